"""The page's shell: one bash process per page, so `cd`, variables and exports carry
from one command to the next, as they do for a reader typing the commands.

Each command is written to a file and `source`d with its stdout and stderr going,
interleaved as a terminal shows them, to one output file; stdin is /dev/null so a
command can't eat the next ones. A command that runs past its timeout is killed with
everything it started; the shell itself survives.

Where bash runs is the machine's business (docrun/machine.py): on this machine, or
inside an engine's container through `docker exec`; the control files live in a
directory both see at the same path.
"""

from __future__ import annotations

import selectors
import shlex
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

DONE = "__DOCRUN_DONE__"


class ShellDied(RuntimeError):
    pass


class Launcher(Protocol):
    """How a machine starts the page's bash and stops what a command left running."""

    def shell_argv(self, cwd: Path, env: dict[str, str]) -> tuple[list[str], dict[str, str], Path | None]:
        """(argv, environment, working directory) of the process that runs bash."""

    def kill_descendants(self, shell: Shell) -> None:
        """Stop everything the shell's commands started, leaving the shell itself."""


@dataclass
class Result:
    output: str
    status: int | None          # None when it timed out

    @property
    def timed_out(self) -> bool:
        return self.status is None


class Shell:
    def __init__(self, launcher: Launcher, cwd: Path, env: dict[str, str], ctl_parent: Path | None = None):
        self.launcher, self.cwd = launcher, Path(cwd)
        # outside cwd (not in build contexts), but where the machine sees it at the same path
        self.ctl = Path(tempfile.mkdtemp(prefix="shell-", dir=ctl_parent))
        argv, popen_env, popen_cwd = launcher.shell_argv(self.cwd, env)
        self.proc = subprocess.Popen(argv, cwd=popen_cwd, env=popen_env, text=True,
                                     bufsize=1, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self._n = 0
        started = self.run(f"set +o history; cd {shlex.quote(str(self.cwd))}; echo $$", timeout=60)
        if started.status != 0:
            raise ShellDied(f"the page's shell did not start: {started.output.strip()}")
        self.pid = int(started.output.split()[-1])     # bash's own pid, as its machine sees it

    def run(self, command: str, timeout: float) -> Result:
        self._n += 1
        script, out, rc = (self.ctl / f"{self._n}.{kind}" for kind in ("sh", "out", "rc"))
        script.write_text(command + "\n")
        q = shlex.quote
        self._send(f"source {q(str(script))} > {q(str(out))} 2>&1 < /dev/null; "
                   f"echo $? > {q(str(rc))}; echo {DONE}\n")
        finished = self._wait_done(timeout)
        if not finished:
            self.launcher.kill_descendants(self)
            if not self._wait_done(10):
                raise ShellDied("the page's shell did not recover after a timed-out command")
            # bash reports the background jobs it lost when it next reaps them: here, not in the
            # next command's output
            self._send(f"{{ wait; }} > /dev/null 2>&1; echo {DONE}\n")
            if not self._wait_done(10):
                raise ShellDied("the page's shell did not recover after a timed-out command")
        output = out.read_text(errors="replace") if out.exists() else ""
        status = int(rc.read_text().strip() or 0) if finished and rc.exists() else None
        return Result(output, status)

    def environment(self) -> tuple[dict[str, str], Path]:
        """The shell's exported variables and working directory, for commands run beside it."""
        env_file, cwd_file = self.ctl / "env", self.ctl / "cwd"
        q = shlex.quote
        result = self.run(f"env -0 > {q(str(env_file))}; pwd > {q(str(cwd_file))}", timeout=10)
        if result.status != 0:
            raise ShellDied(f"could not read the shell's environment: {result.output}")
        pairs = (item.split("=", 1) for item in env_file.read_text().split("\0") if "=" in item)
        return dict(pairs), Path(cwd_file.read_text().strip())

    def _send(self, line: str) -> None:
        if self.proc.poll() is not None:
            raise ShellDied(f"the page's shell has exited (status {self.proc.returncode}); did a command run `exit`?")
        try:
            self.proc.stdin.write(line)
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise ShellDied("the page's shell has exited; did a command run `exit`?") from None

    def _wait_done(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                if not sel.select(remaining):
                    continue
                line = self.proc.stdout.readline()
                if not line:
                    raise ShellDied(f"the page's shell has exited (status {self.proc.wait()}); "
                                    "did a command run `exit`?")
                if line.strip() == DONE:
                    return True

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.launcher.kill_descendants(self)
            finally:
                self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
