"""Make a Docker engine reachable, provisioning one on Debian/Ubuntu when nothing is there.

Three cases, and the project never writes the machine's own Docker configuration
(/etc/docker/daemon.json) in any of them:

- an engine answers (Docker Desktop, a GitHub runner, a server's own Docker): it is
  used as it is, never reconfigured or restarted;
- Docker is installed but its engine is not running: if this project installed it
  (recorded in its state directory), it is started again as before, with the
  project's own config file (`dockerd --config-file /var/lib/docker-kb/daemon.json`);
  if someone else installed it, the tests stop and say how to start it;
- nothing is installed, and we are root on Debian or Ubuntu: Debian's `docker.io` and
  `docker-registry` are installed (and recorded), the registry is started on
  127.0.0.1:5000 and `dockerd` with the project's config file, whose registry mirror
  is that registry, so a plain `docker pull nginx` works without Docker Hub.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import docker
from docker.errors import DockerException

from kbutil import poll, proc
from kbutil.files import write_atomically

STATE_DIR = Path(os.environ.get("DOCKER_KB_STATE", "/var/lib/docker-kb"))
LOG_DIR = Path("/var/log/docker-kb")
INSTALLED = STATE_DIR / "installed.json"        # what this project installed, and when
KIT_DIR = STATE_DIR / "kit"                     # the project's docker CLI for its engine (kit.py)
DAEMON_CONFIG = STATE_DIR / "daemon.json"       # the project's own engine's config (dockerd --config-file)
MIRROR_ADDR = "127.0.0.1:5000"
MIRROR_URL = f"http://{MIRROR_ADDR}"
DOCKERD = ("/usr/sbin/dockerd", "/usr/bin/dockerd")

APT_PACKAGES = {
    # command on PATH -> Debian package that provides it
    "dockerd": "docker.io",
    "docker-registry": "docker-registry",
    "debootstrap": "debootstrap",
    "ps": "procps",            # `docker top` runs ps on the engine's machine
    "curl": "curl",            # the pages use it, as readers do
    "sudo": "sudo",            # architecture.md shows a user outside the docker group
}

REGISTRY_CONFIG = """\
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
http:
  addr: {addr}
"""


# What the Docker SDK raises when an engine does not answer: its own errors, and the
# connection errors of `requests` (OSError's subclasses) when the socket or address is gone.
ENGINE_FAULTS = (DockerException, OSError)


class ProvisionError(RuntimeError):
    """The engine is not reachable and could not be provisioned; the message says what to do."""


@dataclass(frozen=True)
class Engine:
    client: docker.DockerClient
    version: str          # server version, e.g. "20.10.24+dfsg1"
    api_version: str
    os_arch: str          # e.g. "linux/amd64"
    provisioned: bool     # this project installed it and runs it with its local registry mirror
    containerd_store: bool = False   # its images are kept by containerd (the containerd image store)

    @property
    def label(self) -> str:
        store = ", containerd image store" if self.containerd_store else ""
        return f"Docker Engine {self.version} ({self.os_arch}{store})"


class EngineRefused(ProvisionError):
    """An engine is there but refuses this user (the socket's permissions)."""


def engine_address() -> str:
    """The engine the docker CLI and SDK talk to here: $DOCKER_HOST, or the default socket."""
    return os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")


API_TIMEOUT = 120     # seconds a request may take once the engine answers: a loaded engine removes slowly


def connect(timeout: float = 10, base_url: str | None = None) -> docker.DockerClient | None:
    """A client for the engine named by the environment (or `base_url`), or None if none answers
    within `timeout`. The client's later requests may take up to API_TIMEOUT.

    Raises EngineRefused when an engine is there but this user may not use it."""
    try:
        client = docker.DockerClient(base_url=base_url, timeout=timeout) if base_url else \
            docker.from_env(timeout=timeout)
        client.ping()
        client.api.timeout = max(timeout, API_TIMEOUT)
        return client
    except (DockerException, OSError) as err:
        if "Permission denied" in str(err) or isinstance(getattr(err, "__context__", None), PermissionError):
            host = base_url or engine_address()
            raise EngineRefused(
                f"the Docker engine at {host} refuses user {_user()}: add the user to the `docker` group "
                "(`sudo usermod -aG docker $USER`, then log in again) or run the tests as root") from None
        return None


def _user() -> str:
    try:
        import pwd
        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return str(os.geteuid())


def describe(client: docker.DockerClient, provisioned: bool) -> Engine:
    v = client.version()
    driver_status = client.info().get("DriverStatus") or []
    containerd = any(value == "io.containerd.snapshotter.v1" for _, value in driver_status)
    return Engine(client=client, version=v.get("Version", "unknown"), api_version=v.get("ApiVersion", "unknown"),
                  os_arch=f"{v.get('Os', '?')}/{v.get('Arch', '?')}", provisioned=provisioned,
                  containerd_store=containerd)


def can_provision() -> tuple[bool, str]:
    """Whether this machine lets us install and start an engine, and why not."""
    if os.geteuid() != 0:
        return False, "not running as root"
    os_release = Path("/etc/os-release")
    text = os_release.read_text() if os_release.exists() else ""
    if not any(f"ID={d}" in text or f"ID_LIKE={d}" in text for d in ("debian", "ubuntu")):
        return False, "not a Debian or Ubuntu machine"
    if not shutil.which("apt-get"):
        return False, "apt-get is missing"
    return True, ""


APT_LOCK = STATE_DIR / "apt.lock"     # one apt-get at a time from the tests' processes and threads


def apt_install(packages: list[str], log=print) -> None:
    """Install distribution packages, non-interactively (waiting for another of ours to finish:
    the tests install Chromium beside the engine, in another process)."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    with open(APT_LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)          # an open file of its own: threads exclude each other too
        log(f"provision: installing {', '.join(packages)} from the distribution's packages")
        proc.run(["apt-get", "update", "-q"], env=env)
        proc.run(["apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=600", *packages], env=env)


def _has(command: str) -> bool:
    return bool(shutil.which(command)) or any(Path(d, command).exists() for d in ("/usr/sbin", "/usr/bin", "/sbin"))


def installed_here() -> dict | None:
    """What this project installed on this machine (its state directory's record), if anything."""
    try:
        return json.loads(INSTALLED.read_text())
    except (OSError, ValueError):
        return None


def dockerd_path() -> str | None:
    return next((p for p in DOCKERD if Path(p).exists()), shutil.which("dockerd"))


def _record(change) -> None:
    """Change the record of what the project installed here (installed.json), atomically."""
    record = installed_here() or {"installed": [], "by": "docker-kb",
                                  "time": datetime.now(UTC).isoformat(timespec="seconds")}
    change(record)
    write_atomically(INSTALLED, json.dumps(record, indent=1) + "\n")


def install_packages(log=print) -> None:
    missing = sorted({pkg for cmd, pkg in APT_PACKAGES.items() if not _has(cmd)})
    if missing:
        apt_install(missing, log)
    _record(lambda r: r.update(installed=sorted(set(r["installed"]) | set(missing))))


def _daemon(name: str, cmd: list[str]) -> None:
    """Start a long-running process detached from us, logging to LOG_DIR/name.log."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with open(LOG_DIR / f"{name}.log", "ab") as log_file:
        subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         start_new_session=True)


def port_open(addr: str) -> bool:
    host, port = addr.rsplit(":", 1)
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, int(port))) == 0


def _wait(predicate, timeout: float, what: str, log_path: Path) -> None:
    try:
        poll.until(predicate, timeout, what, interval=0.5)
    except poll.TimedOut:
        tail = log_path.read_text(errors="replace")[-2000:] if log_path.exists() else "(no log)"
        raise ProvisionError(f"{what} did not start within {timeout:.0f}s; last lines of {log_path}:\n{tail}") \
            from None


def start_registry(log=print, addr: str = MIRROR_ADDR) -> None:
    """Serve the local registry's storage on `addr` (one docker-registry process per address)."""
    if port_open(addr):
        return
    if not os.access(STATE_DIR if STATE_DIR.exists() else STATE_DIR.parent, os.W_OK):
        raise ProvisionError(f"the local registry mirror on {addr} is not running, and starting it needs root "
                             "(it serves the project's state directory): run `sudo ./kb provision`")
    (STATE_DIR / "registry").mkdir(parents=True, exist_ok=True)
    name = "registry" if addr == MIRROR_ADDR else f"registry-{addr.replace(':', '-')}"
    config = STATE_DIR / f"{name}.yml"
    write_atomically(config, REGISTRY_CONFIG.format(root=STATE_DIR / "registry", addr=addr))
    log(f"provision: starting docker-registry on {addr}")
    _daemon(name, ["docker-registry", "serve", str(config)])
    _wait(lambda: port_open(addr), 30, "docker-registry", LOG_DIR / f"{name}.log")


def write_daemon_config() -> None:
    """The project's own engine's configuration: the local registry as its registry mirror."""
    write_atomically(DAEMON_CONFIG, json.dumps({"registry-mirrors": [MIRROR_URL]}, indent=2) + "\n")


def _systemd_started_docker(log) -> None:
    """Installing docker.io on a systemd machine starts docker.service with the package's
    defaults. The project runs the engine it installed with its own config file instead,
    so it stops and disables that service (recorded, nothing else is changed)."""
    if not Path("/run/systemd/system").is_dir() or not shutil.which("systemctl"):
        return
    if not proc.succeeds(["systemctl", "is-active", "--quiet", "docker.service"]):
        return
    log("provision: stopping docker.service (started by the package) to run the engine with the project's config")
    proc.run(["systemctl", "disable", "--now", "docker.service", "docker.socket"])
    _record(lambda r: r.update(stopped_systemd_service=True))


def start_dockerd(log=print) -> None:
    write_daemon_config()
    log(f"provision: starting dockerd --config-file {DAEMON_CONFIG}")
    _daemon("dockerd", [dockerd_path() or "dockerd", "--config-file", str(DAEMON_CONFIG)])
    _wait(lambda: connect(timeout=2) is not None, 90, "dockerd", LOG_DIR / "dockerd.log")


def uses_local_mirror(client: docker.DockerClient) -> bool:
    mirrors = client.info().get("RegistryConfig", {}).get("Mirrors") or []
    return any(m.rstrip("/") == MIRROR_URL for m in mirrors)


def ensure_engine(log=print) -> Engine:
    """Return the reachable engine, starting or provisioning one first where that is ours to do."""
    client = connect()
    if client is not None:
        provisioned = installed_here() is not None and uses_local_mirror(client)
        if provisioned:
            start_registry(log)  # the mirror may have died with an earlier session
        return describe(client, provisioned=provisioned)
    ok, why = can_provision()
    daemon = dockerd_path()
    if daemon and installed_here() is None:
        raise ProvisionError(
            f"Docker is installed here ({daemon}) but its engine is not running. Start it the way it is "
            "meant to be started (e.g. `sudo systemctl start docker`, or `sudo service docker start`) and run "
            "the tests again. The tests never start or reconfigure an engine they did not install.")
    if not ok:
        if daemon:
            raise ProvisionError(f"the Docker engine this project installed is not running, and starting it "
                                 f"needs root ({why}): run `sudo ./kb provision`")
        raise ProvisionError(
            "No Docker engine is reachable (checked DOCKER_HOST or /var/run/docker.sock), and this machine "
            f"can't provision one ({why}). Install Docker (or run `sudo ./kb provision` on Debian/Ubuntu), "
            "then run the tests again.")
    install_packages(log)
    start_registry(log)
    if connect(timeout=5) is not None:       # the package's own service came up: stop it first
        _systemd_started_docker(log)
    start_dockerd(log)
    client = connect()
    if client is None:
        raise ProvisionError(f"dockerd started but does not answer; see {LOG_DIR / 'dockerd.log'}")
    return describe(client, provisioned=True)
