"""The current-engine pass, run beside the others.

The current engine is an engine of its own, in a container (provision/machines.py), so its
pages need neither the host engine's lock nor its time: while pytest runs the pages of the
first passes on the host engine, a thread runs the current-engine pass's page runs, in
order, and keeps their outcomes. When pytest comes to those pages, their items report the
kept outcomes (waiting for a page that is not done yet), as a follower reports its leader's.

The runner's own objects on the host engine (engine containers and their volumes) carry
the run's label, so the pages running there meanwhile never count them as theirs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from provision import ProvisionError
from provision.engine import ENGINE_FAULTS

from . import report
from .outcomes import EngineDown, Failed, NotRun, Outcome, Stop
from .passes import PlannedRun
from .scenario import EngineStopped, PageRun

Outcomes = dict[int, tuple[Outcome, str]]


@dataclass
class Done:
    """A page run the thread finished: its outcomes, the engine it ran on, what it says of it."""
    outcomes: Outcomes
    engine_label: str = ""
    messages: list[str] = field(default_factory=list)


class BackgroundPass:
    def __init__(self, runs: list[PlannedRun], start: Callable[[PlannedRun], tuple[PageRun, Callable[[], None]]],
                 finish: Callable[[PlannedRun, PageRun], list[str]], log: Callable[[str], None]):
        """`start(run)` gives a started PageRun and what to call when it is done; `finish(run, page_run)`
        ends it (cleanup, catalogue images) and returns what to tell the person watching."""
        self.runs, self._start, self._finish, self.log = runs, start, finish, log
        self._done: dict[str, Done] = {}
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="docrun-current-engine", daemon=True)

    def __contains__(self, run: PlannedRun) -> bool:
        return any(r.key == run.key for r in self.runs)

    def start(self) -> BackgroundPass:
        self._thread.start()
        return self

    def wait(self, run: PlannedRun) -> Done:
        """The run's outcomes, once the thread has them."""
        with self._cond:
            self._cond.wait_for(lambda: run.key in self._done or not self._thread.is_alive())
            return self._done.get(run.key) or Done({}, messages=["the current-engine pass stopped before this page"])

    def stop(self, timeout: float = 60) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _keep(self, run: PlannedRun, done: Done) -> None:
        with self._cond:
            self._done[run.key] = done
            self._cond.notify_all()

    def _work(self) -> None:
        stopped: str | None = None
        for run in self.runs:
            blocks = run.page.blocks
            if self._stop.is_set():
                break
            if stopped is not None:
                self._keep(run, Done({i: (EngineDown(address=stopped), "") for i in range(len(blocks))}))
                continue
            try:
                page_run, release = self._start(run)
            except EngineStopped as err:
                stopped = err.address
                self._keep(run, Done({i: (EngineDown(address=stopped), "") for i in range(len(blocks))}))
                continue
            except (*ENGINE_FAULTS, ProvisionError) as err:
                first = Failed(what=f"the page could not start on the current engine: {err}", stops=Stop.FAILED)
                self._keep(run, Done({i: (first if i == 0 else NotRun(after=0), report.now())
                                      for i in range(len(blocks))}))
                continue
            outcomes: Outcomes = {}
            try:
                for index in range(len(blocks)):
                    outcomes[index] = (page_run.run(index), report.now())
                    if self._stop.is_set():
                        break
            finally:
                try:
                    messages = self._finish(run, page_run)
                finally:
                    release()
            if page_run.engine_stopped is not None:
                stopped = page_run.engine_stopped.address
            self._keep(run, Done(outcomes, page_run.machine.label, messages))
