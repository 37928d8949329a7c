"""The engine lock (docrun/engine_lock.py) is shared by every user of the engine."""

import fcntl
import os
import shutil
import subprocess
import uuid

import pytest

from docrun import engine_lock
from docrun.engine_lock import EngineLock

WAIT_AS_NOBODY = """
import os, sys
os.setgid(65534); os.setuid(65534)
sys.path.insert(0, {root!r})
from docrun.engine_lock import EngineLock
lock = EngineLock({address!r})
lock.acquire(on_wait=lambda: print("waiting", flush=True))
print("locked", flush=True)
lock.release()
"""


def test_a_lock_made_by_one_user_is_opened_and_waited_on_by_another():
    if os.geteuid() != 0:
        pytest.skip("switching to another user needs root")
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else shutil.which("python3")
    address = f"unix:///tmp/test-{uuid.uuid4().hex}.sock"
    lock = EngineLock(address)
    old = os.umask(0o022)
    try:
        lock.acquire()
    finally:
        os.umask(old)
    try:
        assert oct(lock.path.stat().st_mode & 0o777) == oct(0o666)
        root = os.path.dirname(os.path.dirname(os.path.abspath(engine_lock.__file__)))
        child = subprocess.Popen([python, "-c", WAIT_AS_NOBODY.format(root=root, address=address)],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert child.stdout.readline().strip() == "waiting"        # it opened root's file and waits
        lock.release()
        out, _ = child.communicate(timeout=20)
        assert child.returncode == 0 and out.strip() == "locked", out
    finally:
        lock.release()
        lock.path.unlink(missing_ok=True)


def test_an_existing_read_only_lock_file_still_locks(tmp_path, monkeypatch):
    """A lock file another user made (read-only to us) is opened read-only: flock still excludes."""
    monkeypatch.setattr(engine_lock, "LOCK_DIR", tmp_path)
    lock = EngineLock("unix:///x.sock")
    lock.path.write_text("")
    lock.path.chmod(0o444)
    lock.acquire()
    try:
        with open(lock.path) as other, pytest.raises(BlockingIOError):    # a second holder, as another process
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        lock.release()
    with open(lock.path) as other:                     # released: free again
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
