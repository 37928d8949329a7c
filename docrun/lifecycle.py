"""A page run's life on a machine: getting the machine, starting the page, and ending it
(cleanup, putting back catalogue images a page removed). The pytest collector and the
background current-engine pass both go through here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from provision import ProvisionError
from provision.catalogue import Catalogue
from provision.engine import ENGINE_FAULTS

from .engines import Engines
from .passes import PlannedRun
from .results import Results
from .scenario import Options, PageRun


@dataclass(frozen=True)
class Settings:
    """What the run's options say about every page run."""
    timeout: float
    update: bool
    on_wait: Callable[[], None]


def begin(run: PlannedRun, engines: Engines, results: Results, catalogue: Catalogue, settings: Settings,
          builder: str) -> tuple[PageRun, Callable[[], None]]:
    """Start the page run on its machine; return it and what to call once it is finished.
    Raises EngineStopped when the engine no longer answers."""
    isolated = run.page.isolated is not None
    machine, release = engines.machine_for(run.run_pass, isolated=isolated)
    results.engines[id(run)] = machine.label
    options = Options(timeout=settings.timeout, update=settings.update, classic=run.run_pass.classic,
                      on_wait=settings.on_wait, spared=lambda tag: tag in catalogue)
    try:
        page_run = PageRun(run.page, machine, options, engines.workroot).start()
    except BaseException:
        release()
        raise
    engines.note(machine, builder, isolated=isolated)            # while the page holds the engine
    return page_run, release


def end(run: PlannedRun, page_run: PageRun, engines: Engines, catalogue: Catalogue, verbose: bool) -> list[str]:
    """Remove what the page made, put back a catalogue image it removed; what to tell the person watching."""
    said = []
    removed = page_run.finish()
    if removed.errors:
        said.append(f"docrun: cleanup of {run.name} could not remove: {'; '.join(removed.errors)}")
    elif removed and verbose:
        said.append(f"    cleaned up after {run.name}: {removed.summary()}")
    if page_run.engine_stopped is not None:
        engines.mark_stopped(page_run.engine_stopped.address)
    elif not run.page.isolated:
        from provision.images import ensure_images
        try:
            ensure_images(page_run.machine.engine, catalogue, log=engines.log, check_mirror=False)
        except (*ENGINE_FAULTS, ProvisionError) as err:
            said.append(f"docrun: after {run.name}, putting back the catalogue images failed: {err}")
    return said
