"""Run one page as a scenario: its blocks in order, in one shell and one working directory.

`PageRun.start()` takes the engine's lock, a snapshot of the engine's objects, a
private directory and the page's shell; `run(index)` runs one block with the evaluation
function it was given (kinds.evaluate: each kind's evaluator, on a Context) and returns
its Outcome (blocks after one that stopped the page are not run); `finish()` removes
whatever the page created, whatever happened before. After each block that ran commands,
the objects that existed before the page are guarded.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from docmodel.page import Block, Page
from provision.engine import ENGINE_FAULTS

from . import engine_objects
from .context import Context, Options
from .engine_lock import EngineLock
from .machine import Machine
from .outcomes import Failed, NotRun, Outcome, Stop
from .shell import Shell, ShellDied

Evaluate = Callable[[Block, Context], Outcome]


class EngineStopped(RuntimeError):
    """The engine a page runs on stopped answering."""

    def __init__(self, address: str):
        super().__init__(f"the Docker engine at {address} stopped answering")
        self.address = address


class PageRun:
    def __init__(self, page: Page, machine: Machine, options: Options, workroot: Path, evaluate: Evaluate):
        self.page, self.machine, self.options, self.workroot = page, machine, options, workroot
        self.evaluate = evaluate
        self.context: Context | None = None
        self.page_dir: Path | None = None
        self.workdir: Path | None = None
        self.shell: Shell | None = None
        self.before: engine_objects.Snapshot | None = None
        self.stopped: NotRun | None = None     # set once a block stops the page
        self.engine_stopped: EngineStopped | None = None   # set when the engine stopped answering
        self.lock = EngineLock(machine.address)

    def start(self) -> PageRun:
        """Take the engine's lock, the snapshot, the page's directory and shell; raises
        EngineStopped if the engine does not answer."""
        self.lock.acquire(self.options.on_wait)
        try:
            self.before = self._ask(engine_objects.snapshot)
            self.page_dir = Path(tempfile.mkdtemp(prefix="page-", dir=self.workroot))
            self.page_dir.chmod(0o755)
            self.workdir = self.page_dir / "work"
            self.workdir.mkdir()
            env = self.machine.page_env(self.options.classic, self.page_dir / "docker-config")
            self.shell = Shell(self.machine, self.workdir, env, ctl_parent=self.page_dir)
            self.context = Context(self.shell, self.machine, self.workdir, self.options)
        except BaseException:
            self.finish()
            raise
        return self

    def run(self, index: int) -> Outcome:
        block = self.page.blocks[index]
        if self.stopped is not None and block.executes:
            return self.stopped
        started, wall_started = time.monotonic(), time.time()
        outcome: Outcome | None = None
        try:
            try:
                outcome = self.evaluate(block, self.context)
            except ShellDied as err:
                outcome = Failed(what=str(err), stops=Stop.SHELL_DIED)
            if isinstance(outcome, Failed) and outcome.stops is Stop.SHELL_DIED and not self.machine.answers():
                raise EngineStopped(self.machine.address)     # the engine went, and the shell with it
            if block.shell_lines():
                outcome = self._guard(outcome, since=wall_started)
        except EngineStopped as err:
            self.engine_stopped = err
            failed = outcome if isinstance(outcome, Failed) else None
            outcome = Failed(what=f"{err}; the rest of the run on it is not run",
                             detail=failed.detail if failed else "", step=failed.step if failed else None,
                             stops=Stop.ENGINE_STOPPED)
        outcome = dataclasses.replace(outcome, duration=time.monotonic() - started)
        if isinstance(outcome, Failed) and outcome.stops is not None:
            self.stopped = NotRun(after=index, why=outcome.stops)
        return outcome

    def _guard(self, outcome: Outcome, since: float) -> Outcome:
        """The block fails if it removed, stopped or changed an object that existed before the page."""
        changes = self._ask(lambda client: engine_objects.changed_since(client, self.before, self.options.spared,
                                                                         since=since))
        if not changes:
            return outcome
        detail = "\n".join(f"- {c}" for c in changes)
        if isinstance(outcome, Failed):
            detail += f"\n(the block had also failed: {outcome.what})"
        return Failed(what="changed objects that existed before the page (the page must touch only what it "
                           "creates; declare <!-- docrun: isolated reason=\"...\" --> to run it on an engine "
                           "of its own)", detail=detail, stops=Stop.GUARD)

    def _ask(self, question):
        """question(client) on the page's engine; EngineStopped if the engine no longer answers."""
        try:
            return question(self.machine.client)
        except ENGINE_FAULTS:
            if self.machine.answers():
                raise
            raise EngineStopped(self.machine.address) from None

    def finish(self) -> engine_objects.Removed:
        try:
            if self.shell:
                self.shell.close()
                self.shell = None
            removed = engine_objects.Removed()
            if self.before is not None and self.engine_stopped is None:
                try:
                    removed = engine_objects.remove_created(self.machine.client, self.before)
                except ENGINE_FAULTS as err:
                    removed.errors.append(f"the engine at {self.machine.address} did not answer ({err})")
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
