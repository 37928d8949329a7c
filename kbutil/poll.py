"""Wait until something holds: the one polling loop."""

from __future__ import annotations

import time
from collections.abc import Callable


class TimedOut(RuntimeError):
    """The condition did not hold in time; the message says what and the last error seen."""


class GiveUp(Exception):
    """Raised by a check to stop waiting at once (the condition can never hold)."""


def until(check: Callable[[], object], timeout: float, what: str, interval: float = 0.2) -> float:
    """Call `check` until it returns a true value; return the seconds it took.

    An exception from `check` counts as "not yet" (and is named if time runs out),
    except GiveUp, which is raised at once."""
    start = time.monotonic()
    last = ""
    while True:
        try:
            if check():
                return time.monotonic() - start
        except GiveUp:
            raise
        except Exception as err:  # noqa: BLE001 - any failure means "not yet"; remembered for the message
            last = f" (last attempt: {err})"
        if time.monotonic() - start >= timeout:
            raise TimedOut(f"{what} not ready after {timeout:.0f}s{last}")
        time.sleep(interval)
