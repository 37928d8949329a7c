"""A quick look at the engine while collecting, to decide which passes to plan.

No engine yet, on a machine where the tests provision one, means Debian's 20.10 is
coming, and the tests will own it."""

from __future__ import annotations

from provision.checked_on import is_old
from provision.engine import EngineRefused, can_provision, connect, installed_here, uses_local_mirror

from .passes import Outlook


def outlook() -> Outlook:
    try:
        client = connect(timeout=5)
    except EngineRefused:
        return Outlook(old=False, can_start_current=False)    # the run will say why, at the first page
    if client is None:
        provisionable = can_provision()[0]
        return Outlook(old=provisionable, can_start_current=provisionable)
    old = is_old(client.version().get("Version"))
    return Outlook(old=old, can_start_current=installed_here() is not None and uses_local_mirror(client))
