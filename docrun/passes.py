"""Which pages run where: the passes, and the plan of page runs.

Every page runs once on the engine the tests found or provisioned, with its default
builder. When that engine is older than Docker Engine 23.0 (Debian 12 ships 20.10),
two more passes show the examples hold where readers are:

- the pages that build images run again with the classic builder (DOCKER_BUILDKIT=0),
  which such an engine still has as its own (pages that need BuildKit say so and skip it);
- every page runs again on a current engine in a container (provision/machines.py),
  when this machine can start one.

On a current engine (Docker Desktop, GitHub's runners) the first pass is all there is.

A page whose blocks act on objects it did not create (declared `isolated`) runs, in
each pass, on a fresh engine of its own. Pages with the same scenario (a page and its
translation) run once per pass: the first in order leads, the others follow, reusing
its outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass

from docmodel.page import Page


@dataclass(frozen=True)
class Pass:
    name: str          # "" for the first pass, else what makes it different
    engine: str        # "host" (found or provisioned) | "current" (an engine in a container)
    classic: bool      # the classic builder (DOCKER_BUILDKIT=0)

    @property
    def suffix(self) -> str:
        return f" ({self.name})" if self.name else ""


FIRST = Pass("", "host", False)
FIRST_CLASSIC = Pass("", "host", True)          # --docker-builder classic: every page, classic only
CLASSIC = Pass("classic builder", "host", True)
CURRENT = Pass("current engine", "current", False)


@dataclass(frozen=True)
class Outlook:
    """What collection knows of the engine before anything runs."""
    old: bool                # older than CURRENT_MAJOR (or about to be provisioned: Debian's 20.10)
    can_start_current: bool  # this run may start a current engine in a container


@dataclass
class PlannedRun:
    page: Page
    run_pass: Pass
    leader: PlannedRun | None = None     # the run whose outcomes this one reuses

    @property
    def name(self) -> str:
        return self.page.display + self.run_pass.suffix


def passes_for(page: Page, builder: str, current: str, outlook: Outlook) -> list[Pass]:
    first = FIRST_CLASSIC if builder == "classic" else FIRST
    passes = [first]
    if builder == "auto" and outlook.old and page.builds_images and not page.buildkit_only:
        passes.append(CLASSIC)
    if current == "on" or (current == "auto" and outlook.old and outlook.can_start_current):
        passes.append(CURRENT)
    return passes


def plan(pages: list[Page], builder: str, current: str, outlook: Outlook) -> list[PlannedRun]:
    """Page runs in order: the first pass for every page, then the classic builder's, then the
    current engine's (started once, for the last pass). Equal scenarios share one run per pass."""
    by_pass: dict[Pass, list[PlannedRun]] = {}
    for page in pages:
        for p in passes_for(page, builder, current, outlook):
            by_pass.setdefault(p, []).append(PlannedRun(page, p))
    ordered: list[PlannedRun] = []
    for p in sorted(by_pass, key=lambda p: (p.engine == "current", p.classic and p.name != "")):
        leaders: dict[str, PlannedRun] = {}
        for run in by_pass[p]:
            key = run.page.scenario_key
            if key in leaders:
                run.leader = leaders[key]
            else:
                leaders[key] = run
            ordered.append(run)
    return ordered
