"""Make a Docker engine reachable, provisioning one on Debian/Ubuntu when allowed.

If an engine already answers (a laptop with Docker Desktop, a GitHub runner, a
machine where `dockerd` runs), it is used as it is and never reconfigured.

Otherwise, on a Debian or Ubuntu machine where we are root, we install Debian's
`docker.io` engine and `docker-registry`, start the registry on 127.0.0.1:5000 and
start `dockerd` with that registry as its registry mirror, so that a plain
`docker pull nginx` is served from the local registry when the public one is out
of reach (see `provision.images`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import docker
from docker.errors import DockerException

STATE_DIR = Path("/var/lib/docker-kb")
LOG_DIR = Path("/var/log/docker-kb")
DAEMON_JSON = Path("/etc/docker/daemon.json")
MIRROR_ADDR = "127.0.0.1:5000"
MIRROR_URL = f"http://{MIRROR_ADDR}"

APT_PACKAGES = {
    # command on PATH -> Debian package that provides it
    "dockerd": "docker.io",
    "docker-registry": "docker-registry",
    "debootstrap": "debootstrap",
    "busybox": "busybox-static",
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


class ProvisionError(RuntimeError):
    """The engine is not reachable and could not be provisioned."""


@dataclass(frozen=True)
class Engine:
    client: docker.DockerClient
    version: str          # server version, e.g. "20.10.24+dfsg1"
    api_version: str
    os_arch: str          # e.g. "linux/amd64"
    provisioned: bool     # True when this module started it (and its mirror)

    @property
    def label(self) -> str:
        return f"Docker Engine {self.version} ({self.os_arch})"


def connect(timeout: float = 10) -> docker.DockerClient | None:
    """A client for the engine named by the environment, or None if it doesn't answer."""
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
        return client
    except (DockerException, OSError):
        return None


def describe(client: docker.DockerClient, provisioned: bool) -> Engine:
    v = client.version()
    return Engine(
        client=client,
        version=v.get("Version", "unknown"),
        api_version=v.get("ApiVersion", "unknown"),
        os_arch=f"{v.get('Os', '?')}/{v.get('Arch', '?')}",
        provisioned=provisioned,
    )


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


def apt_install(packages: list[str], log=print) -> None:
    """Install distribution packages, non-interactively."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    log(f"provision: installing {', '.join(packages)} from the distribution's packages")
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", *packages]):
        done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            raise ProvisionError(f"`{' '.join(cmd)}` failed:\n{done.stdout[-3000:]}")


def install_packages(log=print) -> None:
    missing = sorted({pkg for cmd, pkg in APT_PACKAGES.items() if not shutil.which(cmd)
                      and not Path("/usr/sbin", cmd).exists() and not Path("/usr/bin", cmd).exists()})
    if missing:
        apt_install(missing, log)


def _daemon(name: str, cmd: list[str]) -> None:
    """Start a long-running process detached from us, logging to LOG_DIR/name.log."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_file = open(LOG_DIR / f"{name}.log", "ab")
    subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                     start_new_session=True)


def _port_open(addr: str) -> bool:
    import socket
    host, port = addr.rsplit(":", 1)
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, int(port))) == 0


def _wait(predicate, timeout: float, what: str, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    tail = log_path.read_text(errors="replace")[-2000:] if log_path.exists() else "(no log)"
    raise ProvisionError(f"{what} did not start within {timeout:.0f}s; last lines of {log_path}:\n{tail}")


def start_registry(log=print, addr: str = MIRROR_ADDR) -> None:
    """Serve the local registry's storage on `addr` (one docker-registry process per address)."""
    if _port_open(addr):
        return
    (STATE_DIR / "registry").mkdir(parents=True, exist_ok=True)
    name = "registry" if addr == MIRROR_ADDR else f"registry-{addr.replace(':', '-')}"
    config = STATE_DIR / f"{name}.yml"
    config.write_text(REGISTRY_CONFIG.format(root=STATE_DIR / "registry", addr=addr))
    log(f"provision: starting docker-registry on {addr}")
    _daemon(name, ["docker-registry", "serve", str(config)])
    _wait(lambda: _port_open(addr), 30, "docker-registry", LOG_DIR / f"{name}.log")


def configure_mirror() -> None:
    """Add the local registry to daemon.json's registry-mirrors, keeping what else is there."""
    conf = json.loads(DAEMON_JSON.read_text()) if DAEMON_JSON.exists() else {}
    mirrors = conf.setdefault("registry-mirrors", [])
    if MIRROR_URL not in mirrors:
        mirrors.append(MIRROR_URL)
        DAEMON_JSON.parent.mkdir(parents=True, exist_ok=True)
        DAEMON_JSON.write_text(json.dumps(conf, indent=2) + "\n")


def start_dockerd(log=print) -> None:
    log("provision: starting dockerd")
    _daemon("dockerd", ["dockerd"])
    _wait(lambda: connect(timeout=2) is not None, 90, "dockerd", LOG_DIR / "dockerd.log")


def uses_local_mirror(client: docker.DockerClient) -> bool:
    mirrors = client.info().get("RegistryConfig", {}).get("Mirrors") or []
    return any(m.rstrip("/") == MIRROR_URL for m in mirrors)


def ensure_engine(log=print) -> Engine:
    """Return the reachable engine, provisioning one first if needed and allowed."""
    client = connect()
    if client is not None:
        provisioned = uses_local_mirror(client)
        if provisioned:
            start_registry(log)  # the mirror may have died with an earlier session
        return describe(client, provisioned=provisioned)
    ok, why = can_provision()
    if not ok:
        raise ProvisionError(
            "No Docker engine is reachable (checked DOCKER_HOST or /var/run/docker.sock), "
            f"and this machine can't provision one ({why}). Start Docker and run the tests again."
        )
    install_packages(log)
    start_registry(log)
    configure_mirror()
    start_dockerd(log)
    client = connect()
    if client is None:
        raise ProvisionError(f"dockerd started but does not answer; see {LOG_DIR / 'dockerd.log'}")
    return describe(client, provisioned=True)
