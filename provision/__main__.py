"""`./kb provision`: make the engine and every catalogue image ready, by hand."""

import sys

from . import ProvisionError, prepare

try:
    engine = prepare()
except ProvisionError as err:
    sys.exit(f"kb provision: {err}")
print(f"ready: {engine.label}{' (provisioned here, with the local registry mirror)' if engine.provisioned else ''}")
