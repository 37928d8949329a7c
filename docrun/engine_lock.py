"""One page at a time per engine, across every docrun process on this machine, whoever runs it.

A page's cleanup removes whatever appeared on the engine since the page began, so
two runs sharing an engine must not run pages at the same time. Each page holds an
exclusive lock (flock) on a file named after the engine's address while it runs.

The file is shared by every user of the engine (root, and users in the `docker`
group): it lives in /tmp, not in a per-user temporary directory, it is made
world-writable when created, and an existing file made by another user is opened
read-only (flock works on any open file).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
from pathlib import Path

LOCK_DIR = Path("/tmp")


class EngineLock:
    def __init__(self, address: str):
        """The lock of the engine at `address` (a machine's address: see docrun/machine.py)."""
        digest = hashlib.sha1(address.encode()).hexdigest()[:12]
        self.path = LOCK_DIR / f"docrun-engine-{digest}.lock"
        self.fd: int | None = None

    def _open(self) -> int:
        for _ in range(3):
            for flags in (os.O_RDWR, os.O_RDONLY):
                try:
                    return os.open(self.path, flags)
                except PermissionError:
                    continue
                except FileNotFoundError:
                    break
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
                os.fchmod(fd, 0o666)      # not the umask's 0644: other users wait on it too
                return fd
            except FileExistsError:
                continue                  # another process made it just now: open theirs
        raise OSError(errno.EACCES, f"cannot open the engine lock {self.path}")

    def acquire(self, on_wait=lambda: None) -> None:
        self.fd = self._open()
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
