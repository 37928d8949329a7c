"""One page at a time per engine, across every docrun process on this machine.

A page's cleanup removes whatever appeared on the engine since the page began, so
two runs sharing an engine must not run pages at the same time. Each page holds
an exclusive lock (flock) named after the engine's address while it runs.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from pathlib import Path


class EngineLock:
    def __init__(self, address: str | None = None):
        address = address or os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        digest = hashlib.sha1(address.encode()).hexdigest()[:12]
        self.path = Path(tempfile.gettempdir()) / f"docrun-engine-{digest}.lock"
        self.fd: int | None = None

    def acquire(self, on_wait=lambda: None) -> None:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(self.fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
