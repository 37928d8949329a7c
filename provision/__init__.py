"""Engine provisioning: a reachable Docker engine with every catalogue image, ready for the docs.

`prepare()` is what the test run calls; `./kb provision` (python -m provision) does the
same by hand. The names below are imported when first used, so that `provision.checked_on`
(the declared engines) stays importable without the Docker SDK, as the site's macros need.
"""

from __future__ import annotations

import importlib

_LAZY = {"Engine": "engine", "EngineRefused": "engine", "ProvisionError": "engine", "ensure_engine": "engine"}


def prepare(log=print, catalogue=None):
    """Reach (or provision) the engine and make the catalogue images (or those of another list
    of images in its format) present. On an engine
    provisioned here, also the engines that run in containers (provision/engines.yml), the
    project's current docker CLI with buildx and Compose (copied out of the current engine),
    and the registry mirror as engines in containers reach it.

    The Debian bases are fetched (or debootstrapped) side by side, and the engines built
    beside the catalogue's images: on a new machine most of this time is downloads."""
    from . import checked_on
    from .catalogue import load
    from .engine import ensure_engine
    from .images import debian_base, ensure_images

    engine = ensure_engine(log)
    if not engine.provisioned:
        ensure_images(engine, catalogue, log=log)
        return engine
    from .kit import ensure_kit
    from .machines import ensure_engine_image, mirror_for_containers

    declared = checked_on.load()
    old = checked_on.is_old(engine.version)      # its pages' isolated runs need an engine like it in a container
    engines = [checked_on.Role.CURRENT] + ([checked_on.Role.PROVISIONED] if old else [])
    catalogue = catalogue or load()
    suites = {i.suite for i in catalogue.images if i.suite} | {declared.current.suite}
    suites |= {declared.provisioned.suite} if old else set()
    _side_by_side([lambda suite=suite: debian_base(engine, suite, log) for suite in sorted(suites)])
    _side_by_side([lambda: ensure_images(engine, catalogue, log=log), lambda: ensure_kit(engine, log),
                   *[lambda kind=kind: ensure_engine_image(engine, kind, log) for kind in engines[1:]]])
    mirror_for_containers(engine, log)   # where engines in containers reach the mirror: started while root
    return engine


def _side_by_side(jobs) -> None:
    """Run provisioning jobs in threads; the first failure is raised once all have ended."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(job) for job in jobs]
    for future in futures:
        future.result()


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Engine", "EngineRefused", "ProvisionError", "ensure_engine", "prepare"]
