"""A current Docker Engine beside the provisioned one, so the examples are checked on both.

The engine provisioned here is Debian 12's 20.10; readers and GitHub's runners have a
current one. Debian 13 packages Engine 26 with BuildKit; it runs in a container on the
provisioned engine (Docker in Docker) with the containerd image store on, as new
installations have it since Engine 29. Pages then run with DOCKER_HOST pointing at it:

- its registry mirror is the local registry, served on the bridge's gateway address
  (the container can't reach the host's 127.0.0.1), so `docker pull nginx` works offline;
- the ports the docs publish are forwarded from the host to it, so `curl localhost:8080`
  reaches a container the inner engine runs;
- it gets every capability but CAP_SYS_RESOURCE instead of --privileged, which fails on
  machines (like this one) that withhold a capability from root.

It is started for a run and removed at its end; its image is kept and reused.
"""

from __future__ import annotations

import time

import docker
from docker.errors import APIError, ImageNotFound, NotFound

from .engine import Engine, ProvisionError, describe, start_registry
from .images import RECIPES_DIR, run_logged

IMAGE = "docker-kb/current-engine:trixie"
RECIPE = "current-engine.Dockerfile"
CONTAINER = "docker-kb-current-engine"
API = "127.0.0.1:2375"
MIRROR_PORT = 5001


def _gateway(client: docker.DockerClient) -> str:
    return client.networks.get("bridge").attrs["IPAM"]["Config"][0]["Gateway"]


def _remove(client: docker.DockerClient) -> None:
    try:
        client.api.remove_container(CONTAINER, v=True, force=True)
    except NotFound:
        pass


def start(host: Engine, ports: list[int], log=print) -> Engine:
    if not host.provisioned:
        raise ProvisionError("the current-engine pass needs the engine provisioned here (its registry mirror)")
    client = host.client
    try:
        client.images.get(IMAGE)
    except ImageNotFound:
        run_logged(["docker", "build", "-q", "-t", IMAGE, "-f", str(RECIPES_DIR / RECIPE), str(RECIPES_DIR)], log)
    mirror = f"{_gateway(client)}:{MIRROR_PORT}"
    start_registry(log, addr=mirror)
    _remove(client)  # left over by a run that was killed
    log(f"provision: starting a current engine ({IMAGE}) with the ports {', '.join(map(str, ports))} forwarded")
    try:
        client.containers.run(
            IMAGE, ["--registry-mirror", f"http://{mirror}", "--insecure-registry", mirror],
            name=CONTAINER, detach=True,
            environment={"DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE": "1"},
            cap_add=["ALL"], cap_drop=["SYS_RESOURCE"],
            security_opt=["seccomp=unconfined", "apparmor=unconfined"],
            device_cgroup_rules=["a *:* rwm"],
            volumes={"/sys/fs/cgroup": {"bind": "/sys/fs/cgroup", "mode": "rw"}},
            tmpfs={"/run": ""},
            ports={"2375/tcp": tuple(API.split(":")), **{f"{p}/tcp": p for p in ports}},
        )
    except APIError as err:
        raise ProvisionError(f"could not start the current engine: {err.explanation or err}") from None
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            inner = docker.DockerClient(base_url=f"tcp://{API}", timeout=60)
            inner.ping()
            return describe(inner, provisioned=False)
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    logs = client.containers.get(CONTAINER).logs(tail=20).decode(errors="replace")
    stop(host)
    raise ProvisionError(f"the current engine did not answer within 90 s:\n{logs}")


def stop(host: Engine) -> None:
    _remove(host.client)


def docker_host() -> str:
    return f"tcp://{API}"
