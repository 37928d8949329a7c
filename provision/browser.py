"""A Chromium for the browser tests: Debian's `chromium` package, or one already installed.

Playwright's own browser download needs the internet, so the tests drive a system
Chromium. $KB_CHROMIUM names one explicitly; otherwise the usual paths are tried
(GitHub's Ubuntu runners have Google Chrome). On Debian/Ubuntu as root it is
installed from the distribution's packages when missing, with a Korean font
(fonts-nanum) so screenshots show Hangul.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from .engine import ProvisionError, apt_install, can_provision

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
              "/usr/bin/google-chrome-stable")
PACKAGES = ("chromium", "fonts-nanum")
# Without these, Chromium keeps calling Google's services; on a closed network every
# attempt is refused (and a test recording requests would see them).
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-default-apps", "--no-first-run", "--disable-gpu"]


def find_chromium() -> str | None:
    explicit = os.environ.get("KB_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    return next((c for c in CANDIDATES if Path(c).exists() and os.access(c, os.X_OK)), None)


_INSTALLING = threading.Lock()     # the tests may install it beside the rest (tests/conftest.py)


def ensure_chromium(log=print) -> str:
    with _INSTALLING:
        return _ensure_chromium(log)


def _ensure_chromium(log) -> str:
    found = find_chromium()
    if found:
        return found
    ok, why = can_provision()
    if not ok:
        raise ProvisionError(f"no Chromium found (tried $KB_CHROMIUM and {', '.join(CANDIDATES)}) and this "
                             f"machine can't install one ({why})")
    apt_install(list(PACKAGES), log)
    found = find_chromium() or shutil.which("chromium")
    if not found:
        raise ProvisionError("chromium was installed but is not on the expected path")
    return found
