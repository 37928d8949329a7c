"""Run a command and raise, with its output, when it fails: the one subprocess runner."""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Callable, Sequence


class CommandFailed(RuntimeError):
    """A command exited non-zero (or could not start); the message carries its output's tail."""

    def __init__(self, cmd: Sequence[str] | str, status: int | None, output: str):
        self.cmd, self.status, self.output = cmd, status, output
        shown = cmd if isinstance(cmd, str) else shlex.join(cmd)
        how = f"exit {status}" if status is not None else "could not start"
        super().__init__(f"`{shown}` failed ({how}):\n{output[-3000:].rstrip()}")


def run(cmd: Sequence[str], *, log: Callable[[str], None] | None = None, check: bool = True,
        **kwargs) -> str:
    """Run `cmd`, stdout and stderr together; return the output, or raise CommandFailed.

    `log` (if given) is told the command first. Other keyword arguments go to
    subprocess.run (cwd, env, input, stdin, timeout)."""
    if log:
        log(f"$ {shlex.join(cmd)}")
    try:
        done = subprocess.run(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              errors="replace", **kwargs)
    except OSError as err:
        raise CommandFailed(cmd, None, str(err)) from None
    if check and done.returncode != 0:
        raise CommandFailed(cmd, done.returncode, done.stdout)
    return done.stdout


def succeeds(cmd: Sequence[str], **kwargs) -> bool:
    """Whether `cmd` runs and exits 0 (its output is discarded)."""
    try:
        return subprocess.run(list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              **kwargs).returncode == 0
    except OSError:
        return False
