"""What a page created on the engine, and removing it: containers, images, volumes, networks;
and what existed before it, guarded while it runs.

A snapshot is taken before the page's first block; the runner's own objects (engine
containers and their volumes, labelled with the run) are never part of it. After each block that ran commands,
`changed_since` compares the objects of that snapshot with the engine: one removed,
stopped, paused, started, renamed or stripped of a tag fails the block (catalogue images
excepted: the runner puts them back). When the page ends (passed, failed, timed out or
interrupted) everything that is not in the snapshot is removed, through the Docker SDK;
objects from the snapshot are never touched, except that tags the page added to an
existing image are taken off again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import docker
from docker.errors import APIError, NotFound

from provision.machines import LABEL_RUN

# States that are the same for the guard: a container with a restart policy goes between them by itself
SAME_STATE = {"restarting": "running"}


@dataclass(frozen=True)
class Snapshot:
    containers: dict[str, tuple[str, str]]     # container id -> (its name, its state: running, exited, paused...)
    images: dict[str, frozenset[str]]          # image id -> its tags
    volumes: frozenset[str]
    networks: dict[str, str]                   # network id -> its name
    layers: frozenset[str] = frozenset()       # untagged images that are parents of others


@dataclass
class Removed:
    containers: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any((self.containers, self.images, self.volumes, self.networks))

    def summary(self) -> str:
        parts = [f"{len(v)} {k}" for k, v in
                 (("containers", self.containers), ("images", self.images),
                  ("volumes", self.volumes), ("networks", self.networks)) if v]
        return ", ".join(parts) or "nothing"


def _images(client: docker.DockerClient) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """Every image with its tags, and which of them are untagged parents of others (the classic
    builder's intermediate images, which go with their child)."""
    found = client.api.images(all=True)
    images = {i["Id"]: frozenset(t for t in (i.get("RepoTags") or []) if t != "<none>:<none>") for i in found}
    parents = {i.get("ParentId") for i in found}
    return images, frozenset(i for i, tags in images.items() if not tags and i in parents)


def _name(container: dict) -> str:
    return next(iter(container.get("Names") or []), container["Id"][:12]).lstrip("/")


def _runners(labels: dict | None) -> bool:
    """An object of the runner itself (an engine container and its volume): never a page's, never guarded."""
    return LABEL_RUN in (labels or {})


def snapshot(client: docker.DockerClient) -> Snapshot:
    images, layers = _images(client)
    return Snapshot(
        containers={c["Id"]: (_name(c), c.get("State", "")) for c in client.api.containers(all=True)
                    if not _runners(c.get("Labels"))},
        images=images,
        volumes=frozenset(v["Name"] for v in (client.api.volumes().get("Volumes") or [])
                          if not _runners(v.get("Labels"))),
        networks={n["Id"]: n.get("Name", "") for n in client.api.networks()},
        layers=layers,
    )


def created_since(client: docker.DockerClient, before: Snapshot) -> Snapshot:
    now = snapshot(client)
    return Snapshot(
        containers={c: v for c, v in now.containers.items() if c not in before.containers},
        images={i: tags for i, tags in now.images.items()
                if i not in before.images or tags - before.images[i]},
        volumes=now.volumes - before.volumes,
        networks={n: name for n, name in now.networks.items() if n not in before.networks},
    )


# What someone does to a container that would put it in a state (its process ending by itself,
# or the kernel killing it for memory, is no one's doing)
CAUSES = {"exited": {"kill", "stop"}, "dead": {"kill", "stop"}, "running": {"start", "restart", "unpause"},
          "paused": {"pause"}}


def _acted_on(client: docker.DockerClient, container_id: str, state: str, since: float | None) -> bool:
    """Whether something put the container in `state` since `since` (a stop or kill for `exited`, a
    start for `running`, a pause...), rather than its process ending by itself. Without a time,
    any change counts."""
    if since is None:
        return True
    events = client.api.events(since=int(since), until=int(time.time()) + 1, decode=True,
                               filters={"type": "container", "container": container_id})
    actions = {str(e.get("Action") or e.get("status", "")).split(":")[0] for e in events}
    return bool(actions & CAUSES.get(state, actions))


def changed_since(client: docker.DockerClient, before: Snapshot,
                  spared: Callable[[str], bool] = lambda tag: False, since: float | None = None) -> list[str]:
    """What happened to the objects of `before` (each said in a few words), if anything did.

    `spared(tag)` names image tags the runner looks after itself (the catalogue's). A container
    of `before` whose process ended by itself since `since` (the block's start), with no one
    stopping or killing it, is not a change the page made: on a shared engine, someone's
    container may finish its work while a page runs."""
    now = snapshot(client)
    changes = []
    for cid, (name, state) in before.containers.items():
        if cid not in now.containers:
            changes.append(f"container {name} ({cid[:12]}) was removed")
            continue
        new_name, new_state = now.containers[cid]
        if new_name != name:
            changes.append(f"container {name} ({cid[:12]}) was renamed to {new_name}")
        if SAME_STATE.get(new_state, new_state) != SAME_STATE.get(state, state) \
                and _acted_on(client, cid, new_state, since):
            changes.append(f"container {name} ({cid[:12]}) was {state}, is now {new_state}")
    for iid, tags in before.images.items():
        if iid in before.layers:
            continue
        kept = {t for t in tags if not spared(t)}
        short = iid.removeprefix("sha256:")[:12]
        if iid not in now.images:
            if kept or not tags:
                changes.append(f"image {', '.join(sorted(kept)) or '<none>'} ({short}) was removed")
            continue
        for tag in sorted(kept - now.images[iid]):
            changes.append(f"image {short} lost its tag {tag}")
    for name in sorted(before.volumes - now.volumes):
        changes.append(f"volume {name} was removed")
    for nid, name in before.networks.items():
        if nid not in now.networks:
            changes.append(f"network {name} ({nid[:12]}) was removed")
    return changes


def remove_created(client: docker.DockerClient, before: Snapshot) -> Removed:
    removed = Removed()
    new = created_since(client, before)

    def attempt(kind: str, name: str, remove, *args, **kwargs) -> None:
        try:
            remove(*args, **kwargs)
            getattr(removed, kind).append(name)
        except NotFound:
            pass  # went with something removed before it (a container's anonymous volume, a parent image)
        except APIError as err:
            removed.errors.append(f"{kind[:-1]} {name}: {err.explanation or err}")

    for cid in new.containers:
        attempt("containers", cid[:12], client.api.remove_container, cid, v=True, force=True)
    for iid in new.images:
        if iid in before.images:  # an existing image: only take off the tags the page added
            for tag in sorted(new.images[iid] - before.images[iid]):
                attempt("images", tag, client.api.remove_image, tag, noprune=True)
    # new images: a parent can only go once its children have, so retry until nothing moves
    pending = [i for i in new.images if i not in before.images]
    while pending:
        failed = []
        for iid in pending:
            try:
                client.api.remove_image(iid, force=True)
                removed.images.append(iid.removeprefix("sha256:")[:12])
            except NotFound:
                pass
            except APIError as err:
                failed.append((iid, err))
        if len(failed) == len(pending):
            removed.errors.extend(f"image {i.removeprefix('sha256:')[:12]}: {e.explanation or e}" for i, e in failed)
            break
        pending = [i for i, _ in failed]
    for name in new.volumes:
        attempt("volumes", name[:24], client.api.remove_volume, name, force=True)
    for nid in new.networks:
        attempt("networks", nid[:12], client.api.remove_network, nid)
    return removed
