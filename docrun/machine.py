"""Where a page runs: this machine, or inside an engine's container.

A page's commands run in a bash on a *machine* that has a Docker engine:

- `HostMachine`: this machine and the engine the tests found or provisioned. On the
  engine this project provisioned, pages use the project's current docker CLI (the
  kit: client, buildx and Compose) and a DOCKER_CONFIG of their own, so a page's
  `docker context use` or a user's `psFormat` never leaks in or out.
- `ContainerMachine`: an engine in a container (provision/machines.py). The page's bash
  runs inside that container (`docker exec`), so `localhost`, published ports, host
  networking and bind mounts mean there what they mean on a real machine.

Both give the runner the same things: the page's environment, how to start its shell
and an interactive session, how to stop what a timed-out command left running, and
the readiness probes (an HTTP answer, an open port) as seen from where the page runs.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from pathlib import Path

import docker
import psutil

from provision import Engine
from provision.checked_on import Role
from provision.engine import EngineRefused, connect, engine_address
from provision.kit import Kit
from provision.machines import KIT_MOUNT, EngineContainer, page_user

from .shell import Shell

BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
USER_AGENT = "docrun-wait"   # readiness requests show in a server's log under this name


class Machine(ABC):
    engine: Engine
    address: str                 # the engine's address, for the engine lock
    role: Role                   # which engine of provision/engines.yml, or the engine the tests found

    @property
    def client(self) -> docker.DockerClient:
        return self.engine.client

    @property
    def label(self) -> str:
        return self.engine.label

    @property
    @abstractmethod
    def as_root(self) -> bool:
        """Whether the page's shell runs as root."""

    def answers(self) -> bool:
        """Whether the machine's engine answers now (asked with a short timeout)."""
        try:
            return connect(timeout=5, base_url=self.address) is not None
        except EngineRefused:
            return True

    def page_env(self, classic_builder: bool, config_dir: Path) -> dict[str, str]:
        """The environment of a page's shell: the machine's, with the runner's settings."""
        env = self._base_env()
        env.update({"DOCKER_CLI_HINTS": "false", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
        if classic_builder:
            env["DOCKER_BUILDKIT"] = "0"
        plugins = self._plugins_dir()
        if plugins is not None:
            config_dir.mkdir(parents=True, exist_ok=True)
            (config_dir / "cli-plugins").symlink_to(plugins)
            env["DOCKER_CONFIG"] = str(config_dir)
        return env

    @abstractmethod
    def _base_env(self) -> dict[str, str]: ...

    @abstractmethod
    def _plugins_dir(self) -> str | None:
        """Where the page's CLI finds its plugins when it gets a DOCKER_CONFIG of its own (None: it doesn't)."""

    @abstractmethod
    def shell_argv(self, cwd: Path, env: dict[str, str]) -> tuple[list[str], dict[str, str], Path | None]: ...

    @abstractmethod
    def session_argv(self, command: str, cwd: Path, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
        """argv and environment of a process running `command` in a terminal (pexpect)."""

    @abstractmethod
    def kill_descendants(self, shell: Shell) -> None: ...

    @abstractmethod
    def http_status(self, url: str) -> int | None: ...

    @abstractmethod
    def port_open(self, port: int) -> bool: ...


class HostMachine(Machine):
    def __init__(self, engine: Engine, kit: Kit | None):
        self.engine, self.kit = engine, kit
        self.address = engine_address()

    @property
    def role(self) -> Role:
        """Which engine of provision/engines.yml it is: the one the tests provisioned, or this machine's own."""
        return Role.PROVISIONED if self.engine.provisioned else Role.HOST

    @property
    def as_root(self) -> bool:
        return os.geteuid() == 0

    def _base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
        if self.kit:
            env["PATH"] = f"{self.kit.bin_dir}:{env.get('PATH', BASE_PATH)}"
        return env

    def _plugins_dir(self) -> str | None:
        return str(self.kit.plugins_dir) if self.kit else None

    def shell_argv(self, cwd, env):
        return ["bash", "--noprofile", "--norc"], env, cwd

    def session_argv(self, command, cwd, env):
        return ["bash", "-c", f"cd {shlex.quote(str(cwd))} && {command}"], env

    def kill_descendants(self, shell: Shell) -> None:
        try:
            children = psutil.Process(shell.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return
        for child in children:
            try:
                child.send_signal(signal.SIGKILL)
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(children, timeout=5)

    def http_status(self, url: str) -> int | None:
        try:
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
            with urllib.request.urlopen(request, timeout=2) as resp:
                return resp.status
        except urllib.error.HTTPError as err:
            return err.code
        except OSError:
            return None

    def port_open(self, port: int) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False


KILL_TREE = ('k() { local c; for c in $(pgrep -P "$1"); do k "$c"; done; kill -KILL "$1" 2>/dev/null; }; '
             'for c in $(pgrep -P {pid}); do k "$c"; done; true')


class ContainerMachine(Machine):
    def __init__(self, container: EngineContainer):
        self.container = container
        self.engine = container.engine
        self.address = container.base_url
        self.has_kit = container.with_kit               # the kit is mounted for the old engine
        self.role = container.kind                      # current | provisioned (provision/engines.yml)
        # the pages run as the same kind of user as the tests: root, or the tests' user (kb-engine.sh)
        self.user = page_user()["KB_USER"] if os.geteuid() != 0 else "root"

    def _base_env(self) -> dict[str, str]:
        path = f"{KIT_MOUNT}/bin:{BASE_PATH}" if self.has_kit else BASE_PATH
        home = "/root" if self.user == "root" else f"/home/{self.user}"
        return {"PATH": path, "HOME": home, "TERM": os.environ.get("TERM", "xterm"), "USER": self.user,
                "LOGNAME": self.user}

    @property
    def as_root(self) -> bool:
        return self.user == "root"

    def _plugins_dir(self) -> str | None:
        return f"{KIT_MOUNT}/cli-plugins" if self.has_kit else "/usr/libexec/docker/cli-plugins"

    def _exec(self, flags: list[str], cwd: Path, env: dict[str, str], argv: list[str]) -> list[str]:
        env_flags = [f for k, v in env.items() for f in ("-e", f"{k}={v}")]
        return ["docker", "exec", *flags, "-u", self.user, "-w", str(cwd), *env_flags, self.container.container_id,
                *argv]

    def shell_argv(self, cwd, env):
        return self._exec(["-i"], cwd, env, ["bash", "--noprofile", "--norc"]), dict(os.environ), None

    def session_argv(self, command, cwd, env):
        return self._exec(["-it"], cwd, env, ["bash", "-c", command]), dict(os.environ)

    def _run(self, script: str) -> tuple[int, str]:
        host = self.container.host.client
        result = host.api.exec_create(self.container.container_id, ["bash", "-c", script])
        output = host.api.exec_start(result["Id"]).decode(errors="replace")
        return host.api.exec_inspect(result["Id"])["ExitCode"], output

    def kill_descendants(self, shell: Shell) -> None:
        self._run(KILL_TREE.replace("{pid}", str(shell.pid)))

    def http_status(self, url: str) -> int | None:
        code, out = self._run(f"curl -s -o /dev/null -w '%{{http_code}}' --max-time 2 -A {USER_AGENT} "
                              f"{shlex.quote(url)}")
        return int(out) if code == 0 and out.strip().isdigit() and out.strip() != "000" else None

    def port_open(self, port: int) -> bool:
        return self._run(f"exec 3<>/dev/tcp/127.0.0.1/{int(port)}")[0] == 0
