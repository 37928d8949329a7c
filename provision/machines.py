"""Docker engines in containers, beside the engine the tests found or provisioned.

The engine provisioned on Debian 12 is Engine 20.10; readers and GitHub's runners have
current ones, and some pages (prunes, `rm -f $(docker ps -aq)`) must not run where
anything else lives. So the runner can start engines in containers (Docker in
Docker) on the host engine, each one of the engines declared in provision/engines.yml:

- `current`: the current engine (Debian forky's Engine 28.5), with the containerd image
  store switched on as new Engine 29 installations have it;
- `provisioned`: Debian 12's Engine 20.10, like the provisioned one, for pages that run on
  an engine of their own while the host engine is that one.

Both are built from recipes/engine.Dockerfile with the declared suite and packages.

A page that runs on such an engine runs its commands *inside* the container (see
docrun/machine.py), so `localhost`, published ports (`-p 127.0.0.1:8080:80`, `-P`),
host networking and bind mounts of the page's directory mean there what they mean on a
real machine. The run's work directory is mounted at the same path inside.

Each container gets every capability but CAP_SYS_RESOURCE instead of --privileged (which
fails on machines that withhold a capability from root), and labels naming the run that
started it, so that whatever happens (Ctrl-C while it starts, a killed run) the run's
end, or the next run, removes it. The images are kept and reused.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import docker
import psutil
from docker.errors import APIError, ImageNotFound, NotFound

from kbutil import poll

from . import checked_on
from .engine import KIT_DIR, Engine, ProvisionError, connect, describe, start_registry
from .images import build_recipe, debian_base, from_current_recipe

MIRROR_PORT = 5001
API_PORT = 2375
LABEL_RUN = "docker-kb.run"
LABEL_PID = "docker-kb.pid"
LABEL_HOST = "docker-kb.host"
LABEL_ROLE = "docker-kb.role"
KIT_MOUNT = "/opt/docker-kb/kit"
CGROUP = {"/sys/fs/cgroup": {"bind": "/sys/fs/cgroup", "mode": "rw"}}


@dataclass(frozen=True)
class EngineImage:
    kind: str
    ref: str
    recipe: str
    suite: str                             # built FROM docker-kb/debian:<suite>
    build_args: tuple[str, ...] = ()
    with_kit: bool = False                 # its pages use the project's CLI kit (an old engine's client is old)

    @property
    def all_args(self) -> tuple[str, ...]:
        return (f"BASE=docker-kb/debian:{self.suite}", *self.build_args)


def _engine_image(engine: checked_on.DeclaredEngine) -> EngineImage:
    return EngineImage(engine.role, f"docker-kb/engine:{engine.suite}", "engine.Dockerfile", engine.suite,
                       (f"PACKAGES={' '.join(engine.packages)}", f"IMAGE_STORE={engine.image_store}"),
                       with_kit=engine.role is checked_on.Role.PROVISIONED)


def engine_images() -> dict[str, EngineImage]:
    declared = checked_on.load()
    return {
        checked_on.Role.CURRENT: _engine_image(declared.current),
        checked_on.Role.PROVISIONED: _engine_image(declared.provisioned),
        # not an engine: a fresh Debian 12 machine for tests/test_fresh_machine.py
        "fresh-bookworm": EngineImage("fresh-bookworm", "docker-kb/fresh:bookworm", "fresh-bookworm.Dockerfile",
                                      "bookworm"),
    }


# What an engine in a container needs of its host: every capability but one (not --privileged),
# no seccomp or AppArmor profile, a writable /proc/sys (Engine 28 sets each container's network
# sysctls there), all devices, the cgroup tree, and its own /run.
PRIVILEGES = {"cap_add": ["ALL"], "cap_drop": ["SYS_RESOURCE"],
              "security_opt": ["seccomp=unconfined", "apparmor=unconfined"],
              "device_cgroup_rules": ["a *:* rwm"], "tmpfs": {"/run": ""}}
UNMASKED = {"MaskedPaths": [], "ReadonlyPaths": []}     # the CLI's --security-opt systempaths=unconfined


@dataclass(frozen=True)
class EngineContainer:
    """A running engine in a container: its container on the host engine, and the engine itself."""
    container_id: str
    name: str
    ip: str
    engine: Engine
    kind: str
    host: Engine
    with_kit: bool = False         # the project's CLI kit is mounted at KIT_MOUNT

    @property
    def base_url(self) -> str:
        return self.api_url(self.ip)

    @staticmethod
    def api_url(ip: str) -> str:
        """The engine API of an engine container at `ip`."""
        return f"tcp://{ip}:{API_PORT}"


def bridge_gateway(client: docker.DockerClient) -> str:
    """The host's address on the default bridge, as containers on it reach the host."""
    return gateway_of((client.networks.get("bridge").attrs.get("IPAM") or {}).get("Config") or [])


def gateway_of(config: list[dict]) -> str:
    """The gateway of a network's IPAM config: listed (an older bridge), or (a freshly
    created default bridge lists only its subnet) the subnet's first address, which the
    engine gives the bridge."""
    for entry in config:
        if entry.get("Gateway"):
            return entry["Gateway"].split("/")[0]
    for entry in config:
        if entry.get("Subnet") and ":" not in entry["Subnet"]:
            return str(next(ipaddress.ip_network(entry["Subnet"], strict=False).hosts()))
    raise ProvisionError("the default bridge network has no IPv4 subnet or gateway")


def ensure_engine_image(host: Engine, kind: str, log=print) -> EngineImage:
    """The image of an engine (or machine) in a container; built again when its recipe changed."""
    image = engine_images()[kind]
    args = image.all_args
    try:
        if from_current_recipe(host.client.images.get(image.ref), image.recipe, *args):
            return image
    except ImageNotFound:
        pass
    debian_base(host, image.suite, log)
    log(f"provision: building {image.ref} (a Docker engine to run in a container)")
    build_recipe(image.ref, image.recipe, log, *args)
    return image


def mirror_for_containers(host: Engine, log=print) -> str | None:
    """The local registry, served where engines in containers reach it (the bridge's
    gateway), when the host engine uses it as its mirror; else None (Docker Hub)."""
    if not host.provisioned:
        return None
    addr = f"{bridge_gateway(host.client)}:{MIRROR_PORT}"
    start_registry(log, addr=addr)
    return addr


def page_user() -> dict[str, str]:
    """Who runs the tests, for the engine container to give that user an account (kb-engine.sh):
    the pages' commands run inside as the same kind of user, root or an ordinary member of
    the docker group."""
    import pwd
    uid = os.geteuid()
    try:
        name = pwd.getpwuid(uid).pw_name
    except KeyError:
        name = f"user{uid}"
    return {"KB_USER": name, "KB_UID": str(uid), "KB_GID": str(os.getegid())}


def run_labels(run_id: str, role: str) -> dict[str, str]:
    return {LABEL_RUN: run_id, LABEL_PID: str(os.getpid()), LABEL_HOST: socket.gethostname(), LABEL_ROLE: role}


def start_engine_container(host: Engine, kind: str, *, run_id: str, role: str, mounts: list[Path],
                           log=print, name: str | None = None) -> EngineContainer:
    """Start an engine of `kind` in a container and wait until it answers."""
    image = ensure_engine_image(host, kind, log)
    mirror = mirror_for_containers(host, log)
    environment = {"DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE": "1", **({"KB_MIRROR": mirror} if mirror else {}),
                   **page_user()}
    volumes = {**CGROUP}
    for path in mounts:
        volumes[str(path)] = {"bind": str(path), "mode": "rw"}
    if image.with_kit and KIT_DIR.exists():
        volumes[str(KIT_DIR)] = {"bind": KIT_MOUNT, "mode": "ro"}
    client = host.client
    name = name or f"docker-kb-{role}-{run_id}"
    log(f"provision: starting {image.ref} as {name}")
    container = run_machine(client, image.ref, name, run_labels(run_id, role), environment, volumes)
    try:
        container.reload()
        ip = container.attrs["NetworkSettings"]["IPAddress"] or next(
            n["IPAddress"] for n in container.attrs["NetworkSettings"]["Networks"].values() if n.get("IPAddress"))
        base_url = EngineContainer.api_url(ip)
        inner: list[docker.DockerClient] = []

        def answers() -> bool:
            container.reload()
            if container.status not in ("created", "running"):
                raise poll.GiveUp(f"the container {container.status}")
            client_ = connect(timeout=60, base_url=base_url)
            if client_ is not None:
                inner.append(client_)
            return bool(inner)

        poll.until(answers, 90, f"the engine in {name}", interval=0.3)
        return EngineContainer(container.id, name, ip, describe(inner[0], provisioned=False), kind, host,
                               image.with_kit)
    except (poll.TimedOut, poll.GiveUp) as err:
        logs = container.logs(tail=20).decode(errors="replace")
        remove(client, container.id)
        raise ProvisionError(f"the engine in {name} did not answer ({err}):\n{logs}") from None
    except BaseException:
        remove(client, container.id)
        raise


def run_machine(client: docker.DockerClient, image: str, name: str, labels: dict[str, str],
                environment: dict[str, str], volumes: dict[str, dict], init: bool = False):
    """Start a container that runs an engine of its own (an engine, or a fresh machine), with
    what that needs of its host. Its /var/lib/docker is a volume labelled like the container,
    so that pages running on the host engine meanwhile never count either as theirs
    (docrun/engine_objects.py); `remove` takes both away."""
    try:
        data = client.api.create_volume(f"{name}-data", labels=labels)["Name"]
        host_config = client.api.create_host_config(
            binds={**volumes, data: {"bind": "/var/lib/docker", "mode": "rw"}}, init=init, **PRIVILEGES)
        host_config.update(UNMASKED)
        created = client.api.create_container(image, name=name, labels=labels, environment=environment,
                                              host_config=host_config, detach=True)
        container = client.containers.get(created["Id"])
        container.start()
        return container
    except APIError as err:
        raise ProvisionError(f"could not start {image}: {err.explanation or err}") from None


def remove(client: docker.DockerClient, container_id: str) -> None:
    """Remove an engine container and its labelled storage volume."""
    try:
        mounts = client.api.inspect_container(container_id).get("Mounts") or []
        client.api.remove_container(container_id, v=True, force=True)
    except NotFound:
        return
    for mount in mounts:
        if mount.get("Type") == "volume" and mount.get("Name", "").startswith("docker-kb-"):
            try:
                client.api.remove_volume(mount["Name"], force=True)
            except NotFound:
                pass


def _volumes_of(client: docker.DockerClient, label: str) -> list[dict]:
    return client.api.volumes(filters={"label": label}).get("Volumes") or []


def remove_run(client: docker.DockerClient, run_id: str) -> int:
    """Remove every container the run started (by its label), and their volumes; return how many."""
    found = client.api.containers(all=True, filters={"label": f"{LABEL_RUN}={run_id}"})
    for c in found:
        remove(client, c["Id"])
    for v in _volumes_of(client, f"{LABEL_RUN}={run_id}"):     # a container that never got created
        client.api.remove_volume(v["Name"], force=True)
    return len(found)


def remove_abandoned(client: docker.DockerClient) -> int:
    """Remove containers (and volumes) started by runs on this machine that no longer exist (killed runs)."""
    here = socket.gethostname()

    def abandoned(labels: dict) -> bool:
        pid = (labels or {}).get(LABEL_PID, "")
        return labels.get(LABEL_HOST) == here and pid.isdigit() and not psutil.pid_exists(int(pid))

    removed = 0
    for c in client.api.containers(all=True, filters={"label": LABEL_RUN}):
        if abandoned(c.get("Labels") or {}):
            remove(client, c["Id"])
            removed += 1
    for v in _volumes_of(client, LABEL_RUN):
        if abandoned(v.get("Labels") or {}):
            try:
                client.api.remove_volume(v["Name"], force=True)
            except APIError:
                pass
    return removed
