"""The page's shell: one bash process per page, so `cd`, variables and exports carry
from one command to the next, as they do for a reader typing the commands.

Each command is written to a file and `source`d with its stdout and stderr going,
interleaved as a terminal shows them, to one output file; stdin is /dev/null so a
command can't eat the next ones. A command that runs past its timeout is killed
with everything it started; the shell itself survives.
"""

from __future__ import annotations

import os
import selectors
import signal
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

DONE = "__DOCRUN_DONE__"


class ShellDied(RuntimeError):
    pass


@dataclass
class Result:
    output: str
    status: int | None          # None when it timed out
    duration: float

    @property
    def timed_out(self) -> bool:
        return self.status is None


class Shell:
    def __init__(self, cwd: Path, env: dict[str, str]):
        self.cwd = Path(cwd)
        self.ctl = Path(tempfile.mkdtemp(prefix="docrun-shell-"))  # outside cwd: not in build contexts
        self.proc = subprocess.Popen(
            ["bash", "--noprofile", "--norc"], cwd=self.cwd, env=env, text=True, bufsize=1,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        self._n = 0
        self.run("set +o history; cd " + _quote(str(self.cwd)), timeout=10)

    def run(self, command: str, timeout: float) -> Result:
        self._n += 1
        script, out, rc = (self.ctl / f"{self._n}.{kind}" for kind in ("sh", "out", "rc"))
        script.write_text(command + "\n")
        start = time.monotonic()
        self._send(f"source {_quote(str(script))} > {_quote(str(out))} 2>&1 < /dev/null; "
                   f"echo $? > {_quote(str(rc))}; echo {DONE}\n")
        finished = self._wait_done(timeout)
        if not finished:
            self._kill_children()
            if not self._wait_done(10):
                raise ShellDied("the page's shell did not recover after a timed-out command")
        output = out.read_text(errors="replace") if out.exists() else ""
        status = int(rc.read_text().strip() or 0) if finished and rc.exists() else None
        return Result(output, status, time.monotonic() - start)

    def environment(self) -> tuple[dict[str, str], Path]:
        """The shell's exported variables and working directory, for commands run elsewhere."""
        env_file, cwd_file = self.ctl / "env", self.ctl / "cwd"
        result = self.run(f"env -0 > {_quote(str(env_file))}; pwd > {_quote(str(cwd_file))}", timeout=10)
        if result.status != 0:
            raise ShellDied(f"could not read the shell's environment: {result.output}")
        pairs = (item.split("=", 1) for item in env_file.read_text().split("\0") if "=" in item)
        return dict(pairs), Path(cwd_file.read_text().strip())

    def _send(self, line: str) -> None:
        if self.proc.poll() is not None:
            raise ShellDied(f"the page's shell has exited (status {self.proc.returncode}); "
                            "did a command run `exit`?")
        self.proc.stdin.write(line)
        self.proc.stdin.flush()

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

    def _kill_children(self) -> None:
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return
        for child in children:
            try:
                child.send_signal(signal.SIGKILL)
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(children, timeout=5)

    def close(self) -> None:
        if self.proc.poll() is None:
            self._kill_children()
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        shutil.rmtree(self.ctl, ignore_errors=True)


def _quote(s: str) -> str:
    return "'" + s.replace("'", "'\"'\"'") + "'"
