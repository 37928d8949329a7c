"""One run of the docs' examples, apart from pytest: its engines, results, `--changed` cache
and background current-engine pass, and the life of each page run in it.

For each planned page run, `open(run)` finds its outcomes: a leader's (a follower holds the
same scenario), the cache's (`--changed`, nothing changed), the background pass's (the
current engine's pages), or a page run started here on its machine; `outcome(handle, i)`
gives block i's; `close(handle)` ends the run (cleanup, catalogue images put back, the key
kept for --changed, the current engine stopped after its last run). `finish()` ends the
whole run whatever state the engines are in, and writes the report.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from docmodel.page import Block, NotRunBlock
from provision import ProvisionError
from provision.catalogue import Catalogue
from provision.checked_on import Builder
from provision.engine import ENGINE_FAULTS

from . import images_check, report, update
from .background import BackgroundPass
from .changed import ChangedCache, Outcomes
from .context import Options
from .engines import Engines
from .evaluators import not_run
from .kinds import evaluate
from .outcomes import EngineDown, Outcome
from .passes import PlannedRun, Where
from .results import Results
from .scenario import EngineStopped, PageRun


@dataclass(frozen=True)
class Settings:
    """What the run's options say about every page run."""
    timeout: float
    update: bool
    verbose: bool
    report_path: Path


@dataclass
class Handle:
    """A page run while pytest goes through its blocks."""
    run: PlannedRun
    builder: Builder
    engine_label: str = ""
    shared_with: str = ""                 # the page (or earlier run) whose outcomes these are
    outcomes: Outcomes | None = None      # known before the blocks are asked for
    page_run: PageRun | None = None       # or a page run going on here
    release: Callable[[], None] = field(default=lambda: None)
    cache_key: str = ""
    ran: bool = False                     # its blocks ran in this run (here, or in the background pass)


class Session:
    def __init__(self, settings: Settings, cache: ChangedCache, catalogue: Catalogue, say: Callable[[str], None]):
        self.settings, self.cache, self.catalogue, self.say = settings, cache, catalogue, say
        self.engines = Engines(log=say, catalogue=catalogue)
        self.results = Results()
        self.background: BackgroundPass | None = None
        self.last_on_current: str = ""    # the key of the last selected run on the current engine
        self._planned = False

    # -- the runs pytest will ask for ---------------------------------------------------------
    def plan(self, runs: list[PlannedRun]) -> None:
        """The selected page runs, in order (once, before the first is opened): the current engine
        is stopped after its last one, and its leaders run in the background beside the others."""
        self._planned = True
        current = [r for r in runs if r.run_pass.where is Where.CURRENT]
        self.last_on_current = current[-1].key if current else ""
        self._leaders_on_current = [r for r in current if r.leader is None]

    def _start_background(self) -> None:
        """The current engine's leader runs whose result --changed can't reuse, in a thread (once)."""
        todo = [r for r in self._leaders_on_current
                if self.cache.reused(self._key(r), r.page.blocks) is None]
        self._leaders_on_current = []
        if len(todo) < 2:
            return                        # nothing worth running beside the other passes
        self.engines.start_current()      # before any page runs on the host engine

        def start(run):
            return self._begin(run, self.engines.builder(run.run_pass))

        def finish(run, page_run):
            return self._end(run, page_run)

        self.background = BackgroundPass(todo, start, finish, log=self.say).start()
        self.say(f"docrun: {len(todo)} page runs on {self.engines.current.label} go on beside the others")

    # -- one page run ---------------------------------------------------------------------------
    def open(self, run: PlannedRun) -> Handle:
        handle = Handle(run, self.engines.builder(run.run_pass))
        results = self.results
        results.page_images[run.page.display] = images_check.catalogue_images(run.page, self.catalogue)
        leader = run.leader
        if leader is not None and (done := results.complete(leader.key, len(run.page.blocks))):
            handle.outcomes, handle.shared_with = done, leader.page.display
            handle.engine_label = results.engines.get(leader.key, "")
            return handle
        try:
            handle.cache_key = self._key(run)
            if reused := self.cache.reused(handle.cache_key, run.page.blocks):
                handle.outcomes, handle.engine_label = reused.outcomes, reused.engine_label
                handle.shared_with = "an earlier run (--changed: nothing changed)"
                results.engines[run.key] = reused.engine_label
                return handle
            if self._planned and run.run_pass.where is Where.HOST and self._leaders_on_current:
                self._start_background()
            if self.background is not None and run in self.background:
                done = self.background.wait(run)
                for line in done.messages:
                    self.say(line)
                handle.outcomes, handle.ran = done.outcomes, True
                handle.engine_label = results.engines.get(run.key, done.engine_label)
                if len(done.outcomes) < len(run.page.blocks):
                    raise EngineStopped(self.engines.current.address if self.engines.current else "?")
                return handle
            handle.page_run, handle.release = self._begin(run, handle.builder)
            handle.engine_label, handle.ran = results.engines[run.key], True
        except EngineStopped as err:
            self.engines.mark_stopped(err.address)
            handle.outcomes = {i: (_not_run(b, err.address), "") for i, b in enumerate(run.page.blocks)}
        return handle

    def outcome(self, handle: Handle, index: int) -> tuple[Outcome, str]:
        if handle.outcomes is not None:
            return handle.outcomes[index]
        outcome = handle.page_run.run(index)
        if handle.page_run.engine_stopped is not None:
            self.engines.mark_stopped(handle.page_run.engine_stopped.address)
        return outcome, report.now()

    def close(self, handle: Handle) -> None:
        try:
            if handle.page_run is not None:
                page_run, handle.page_run = handle.page_run, None
                for line in self._end(handle.run, page_run):
                    self.say(line)
            if handle.ran and (done := self.results.complete(handle.run.key, len(handle.run.page.blocks))):
                self.cache.remember(handle.cache_key, done, handle.engine_label)
        finally:
            handle.release()
            handle.release = lambda: None
            if handle.run.key == self.last_on_current:
                self.engines.stop_current()

    def _key(self, run: PlannedRun) -> str:
        return self.cache.key(run, self.engines, self.catalogue, self.engines.builder(run.run_pass))

    def _begin(self, run: PlannedRun, builder: Builder) -> tuple[PageRun, Callable[[], None]]:
        """Start the page run on its machine; raises EngineStopped when the engine no longer answers."""
        isolated = run.page.isolated is not None
        machine, release = self.engines.machine_for(run.run_pass, isolated=isolated)
        self.results.engines[run.key] = machine.label
        options = Options(timeout=self.settings.timeout, update=self.settings.update, classic=run.run_pass.classic,
                          on_wait=lambda: self.say("docrun: another run is using this engine; waiting"),
                          spared=self._spared)
        try:
            page_run = PageRun(run.page, machine, options, self.engines.workroot, evaluate).start()
        except BaseException:
            release()
            raise
        self.engines.note(machine, builder, isolated=isolated)       # while the page holds the engine
        return page_run, release

    def _spared(self, tag: str) -> bool:
        """Image tags the guard leaves to the runner: the catalogue's (put back after a page) and the
        project's own images (docker-kb/*: engines, Debian bases), which a provisioning run beside
        this one may build again."""
        return tag in self.catalogue or tag.startswith("docker-kb/")

    def _end(self, run: PlannedRun, page_run: PageRun) -> list[str]:
        """Remove what the page made, put back a catalogue image it removed; what to say of it."""
        said = []
        removed = page_run.finish()
        if removed.errors:
            said.append(f"docrun: cleanup of {run.name} could not remove: {'; '.join(removed.errors)}")
        elif removed and self.settings.verbose:
            said.append(f"    cleaned up after {run.name}: {removed.summary()}")
        if page_run.engine_stopped is not None:
            self.engines.mark_stopped(page_run.engine_stopped.address)
        elif not run.page.isolated:
            from provision.images import ensure_images
            try:
                ensure_images(page_run.machine.engine, self.catalogue, log=self.engines.log, check_mirror=False)
            except (*ENGINE_FAULTS, ProvisionError) as err:
                said.append(f"docrun: after {run.name}, putting back the catalogue images failed: {err}")
        return said

    # -- the end of the run -----------------------------------------------------------------
    def finish(self) -> dict | None:
        """Stop the background pass, remove every engine container of the run, write the report and
        the edits of update mode; never raises, whatever state the engines are in."""
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)   # a second Ctrl-C must not stop the cleanup
        try:
            if self.background is not None:
                self.background.stop(timeout=1)      # it ends at its next block; its engines go now
            self.engines.close()
            if self.background is not None:
                self.background.stop(timeout=60)
        finally:
            signal.signal(signal.SIGINT, previous)
        results = self.results
        if not results.records:
            return None
        results.report = report.write(self.settings.report_path, results.records, list(self.engines.used.values()),
                                      results.started, results.docs_dir, results.page_images)
        results.report_path = self.settings.report_path
        if results.edits:
            results.changed, results.conflicts = update.apply(results.edits)
        return results.report


def _not_run(block: Block, address: str) -> Outcome:
    """A block of a page whose engine had stopped: not run (an illustrative block stays so)."""
    return not_run(block) if isinstance(block, NotRunBlock) else EngineDown(address=address)
