"""`python -m provision`: make the engine and every catalogue image ready, then say what was done."""

from .engine import ensure_engine
from .images import ensure_images

engine = ensure_engine()
print(f"engine: {engine.label}{' (provisioned here, local registry mirror)' if engine.provisioned else ''}")
for ref, how in ensure_images(engine).items():
    print(f"image: {ref}: {how}")
