"""Engine provisioning: a reachable Docker engine with every catalogue image, ready for the docs.

`prepare()` is what the test run calls; `./kb provision` (python -m provision) does the
same by hand. The names below are imported when first used, so that `provision.checked_on`
(the declared engines) stays importable without the Docker SDK, as the site's macros need.
"""

from __future__ import annotations

import importlib

_LAZY = {"Engine": "engine", "EngineRefused": "engine", "ProvisionError": "engine", "ensure_engine": "engine"}


def prepare(log=print):
    """Reach (or provision) the engine and make the catalogue images present; on an engine
    provisioned here, also the project's current docker CLI with buildx and Compose, and the
    registry mirror as engines in containers reach it."""
    from .engine import ensure_engine
    from .images import ensure_images
    from .kit import ensure_kit

    engine = ensure_engine(log)
    ensure_images(engine, log=log)
    if engine.provisioned:
        from .machines import mirror_for_containers
        ensure_kit(engine, log)
        mirror_for_containers(engine, log)   # where engines in containers reach the mirror: started while root
    return engine


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Engine", "EngineRefused", "ProvisionError", "ensure_engine", "prepare"]
