"""`python -m provision`: make the engine and every catalogue image ready, by hand."""

from . import prepare

engine = prepare()
print(f"ready: {engine.label}{' (provisioned here, with the local registry mirror)' if engine.provisioned else ''}")
