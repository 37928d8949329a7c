"""What a page created on the engine, and removing it: containers, images, volumes, networks.

A snapshot is taken before the page's first block. When the page ends (passed,
failed, timed out or interrupted) everything that is not in the snapshot is
removed, through the Docker SDK; objects from the snapshot are never touched,
except that tags the page added to an existing image are taken off again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import docker
from docker.errors import APIError, NotFound


@dataclass(frozen=True)
class Snapshot:
    containers: frozenset[str]
    images: dict[str, frozenset[str]]      # image id -> its tags
    volumes: frozenset[str]
    networks: frozenset[str]


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


def _images(client: docker.DockerClient) -> dict[str, frozenset[str]]:
    return {i["Id"]: frozenset(t for t in (i.get("RepoTags") or []) if t != "<none>:<none>")
            for i in client.api.images(all=True)}


def snapshot(client: docker.DockerClient) -> Snapshot:
    return Snapshot(
        containers=frozenset(c["Id"] for c in client.api.containers(all=True)),
        images=_images(client),
        volumes=frozenset(v["Name"] for v in (client.api.volumes().get("Volumes") or [])),
        networks=frozenset(n["Id"] for n in client.api.networks()),
    )


def created_since(client: docker.DockerClient, before: Snapshot) -> Snapshot:
    now = snapshot(client)
    return Snapshot(
        containers=now.containers - before.containers,
        images={i: tags for i, tags in now.images.items()
                if i not in before.images or tags - before.images[i]},
        volumes=now.volumes - before.volumes,
        networks=now.networks - before.networks,
    )


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
