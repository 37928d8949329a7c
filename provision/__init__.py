"""Engine provisioning: a reachable Docker engine with every catalogue image, ready for the docs.

`prepare()` is what the test run calls; `python -m provision` does the same by hand.
"""

from __future__ import annotations

from .engine import Engine, ProvisionError, ensure_engine


def prepare(log=print) -> Engine:
    """Reach (or provision) the engine, make the catalogue images present, and on an
    engine provisioned here, give the CLI buildx so builds use BuildKit."""
    from .buildx import ensure_buildx
    from .images import ensure_images

    engine = ensure_engine(log)
    ensure_images(engine, log=log)
    if engine.provisioned:
        ensure_buildx(log)
    return engine


__all__ = ["Engine", "ProvisionError", "ensure_engine", "prepare"]
