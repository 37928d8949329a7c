"""Run one page as a scenario: its blocks in order, in one shell and one working directory.

`PageRun.start()` takes the engine's lock, a snapshot of the engine's objects, a
private directory and the page's shell; `run(index)` runs one block with its
evaluator and returns its Outcome (blocks after one that failed are not run);
`finish()` removes whatever the page created, whatever happened before.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from docmodel.page import Page

from . import engine_objects
from .engine_lock import EngineLock
from .evaluators import evaluator_for
from .machine import Machine
from .outcomes import Failed, NotRun, Outcome
from .shell import Shell, ShellDied

DEFAULT_TIMEOUT = 120.0


@dataclass
class Options:
    timeout: float = DEFAULT_TIMEOUT
    update: bool = False
    classic: bool = False                 # the classic-builder pass: DOCKER_BUILDKIT=0
    on_wait: object = field(default=lambda: None)   # called when another run holds the engine


class PageRun:
    def __init__(self, page: Page, machine: Machine, options: Options, workroot: Path):
        self.page, self.machine, self.options, self.workroot = page, machine, options, workroot
        self.page_dir: Path | None = None
        self.workdir: Path | None = None
        self.shell: Shell | None = None
        self.before: engine_objects.Snapshot | None = None
        self.stopped: NotRun | None = None     # set once a block stops the page
        self.lock = EngineLock(machine.address)

    def start(self) -> PageRun:
        self.lock.acquire(self.options.on_wait)
        try:
            self.before = engine_objects.snapshot(self.machine.client)
            self.page_dir = Path(tempfile.mkdtemp(prefix="page-", dir=self.workroot))
            self.page_dir.chmod(0o755)
            self.workdir = self.page_dir / "work"
            self.workdir.mkdir()
            env = self.machine.page_env(self.options.classic, self.page_dir / "docker-config")
            self.shell = Shell(self.machine, self.workdir, env, ctl_parent=self.page_dir)
        except BaseException:
            self.finish()
            raise
        return self

    def run(self, index: int) -> Outcome:
        block = self.page.blocks[index]
        if self.stopped is not None and block.executes:
            return self.stopped
        started = time.monotonic()
        try:
            outcome = evaluator_for(block)(block, self)
        except ShellDied as err:
            self.stopped = NotRun(after=index, why="broke the page's shell")
            return Failed(what=str(err), aborts="broke the page's shell", duration=time.monotonic() - started)
        outcome = dataclasses.replace(outcome, duration=time.monotonic() - started)
        if isinstance(outcome, Failed) and outcome.aborts:
            self.stopped = NotRun(after=index, why=outcome.aborts)
        return outcome

    def finish(self) -> engine_objects.Removed:
        try:
            if self.shell:
                self.shell.close()
                self.shell = None
            removed = engine_objects.Removed()
            if self.before is not None:
                removed = engine_objects.remove_created(self.machine.client, self.before)
                self.before = None
            if self.page_dir:
                shutil.rmtree(self.page_dir, ignore_errors=True)
                if self.page_dir.exists():       # files a container made as root, in a bind mount
                    self._remove_as_machine(self.page_dir)
            return removed
        finally:
            self.lock.release()

    def _remove_as_machine(self, path: Path) -> None:
        """Files a page's container wrote into its directory may belong to root; remove them
        from a container that may (the engine's own busybox-free way: any catalogue image)."""
        try:
            self.machine.client.containers.run("busybox", ["rm", "-rf", f"/p/{path.name}"], remove=True,
                                               volumes={str(path.parent): {"bind": "/p", "mode": "rw"}})
        except Exception:  # noqa: BLE001 - best effort; the run's directory goes at the end anyway
            pass
