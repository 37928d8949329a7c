"""Engine provisioning: a reachable Docker engine with every catalogue image, ready for the docs.

`prepare()` is what the test run calls; `./kb provision` (python -m provision) does the
same by hand.
"""

from __future__ import annotations

from .engine import Engine, EngineRefused, ProvisionError, ensure_engine


def prepare(log=print) -> Engine:
    """Reach (or provision) the engine and make the catalogue images present; on an engine
    provisioned here, also the project's current docker CLI with buildx and Compose."""
    from .images import ensure_images
    from .kit import ensure_kit

    engine = ensure_engine(log)
    ensure_images(engine, log=log)
    if engine.provisioned:
        ensure_kit(log)
    return engine


__all__ = ["Engine", "EngineRefused", "ProvisionError", "ensure_engine", "prepare"]
