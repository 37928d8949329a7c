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
from enum import Enum

from docmodel.page import Page


class Where(Enum):
    """Which engine a pass runs its pages on."""
    HOST = "host"            # the engine the tests found or provisioned
    CURRENT = "current"      # the current engine, in a container (provision/engines.yml)


class PassKind(Enum):
    """The passes; the value is what a page's name says after it (nothing for the first pass)."""
    FIRST = ""
    CLASSIC = "classic builder"
    CURRENT = "current engine"


@dataclass(frozen=True)
class Pass:
    kind: PassKind
    where: Where
    classic: bool      # the classic builder (DOCKER_BUILDKIT=0)

    @property
    def suffix(self) -> str:
        return f" ({self.kind.value})" if self.kind is not PassKind.FIRST else ""


FIRST = Pass(PassKind.FIRST, Where.HOST, False)
FIRST_CLASSIC = Pass(PassKind.FIRST, Where.HOST, True)      # --docker-builder classic: every page, classic only
CLASSIC = Pass(PassKind.CLASSIC, Where.HOST, True)
CURRENT = Pass(PassKind.CURRENT, Where.CURRENT, False)


@dataclass(frozen=True)
class Outlook:
    """What collection knows of the engine before anything runs."""
    old: bool                # older than CURRENT_MAJOR (or about to be provisioned: Debian's 20.10)
    can_start_current: bool  # this run may start a current engine in a container


@dataclass(eq=False)
class PlannedRun:
    page: Page
    run_pass: Pass
    leader: PlannedRun | None = None     # the run whose outcomes this one reuses

    @property
    def name(self) -> str:
        return self.page.display + self.run_pass.suffix

    @property
    def key(self) -> str:
        """What the run's results are kept under: its name, unique in a run."""
        return self.name


class BuilderChoice(Enum):
    """--docker-builder: the engine's default builder, the classic one for every page, or (auto) the
    default plus a classic-builder pass where the engine still has it as its own."""
    AUTO = "auto"
    DEFAULT = "default"
    CLASSIC = "classic"


class CurrentChoice(Enum):
    """--current-engine: every page again on a current engine in a container; auto: when the engine
    here is old and was provisioned by the tests."""
    AUTO = "auto"
    ON = "on"
    OFF = "off"


def passes_for(page: Page, builder: BuilderChoice | str, current: CurrentChoice | str,
               outlook: Outlook) -> list[Pass]:
    builder, current = BuilderChoice(builder), CurrentChoice(current)
    first = FIRST_CLASSIC if builder is BuilderChoice.CLASSIC else FIRST
    passes = [first]
    if builder is BuilderChoice.AUTO and outlook.old and page.builds_images and not page.buildkit_only:
        passes.append(CLASSIC)
    if current is CurrentChoice.ON or (current is CurrentChoice.AUTO and outlook.old and outlook.can_start_current):
        passes.append(CURRENT)
    return passes


def plan(pages: list[Page], builder: BuilderChoice | str, current: CurrentChoice | str,
         outlook: Outlook) -> list[PlannedRun]:
    """Page runs in order: the first pass for every page, then the classic builder's, then the
    current engine's (started once, for the last pass). Equal scenarios share one run per pass."""
    by_pass: dict[Pass, list[PlannedRun]] = {}
    for page in pages:
        for p in passes_for(page, builder, current, outlook):
            by_pass.setdefault(p, []).append(PlannedRun(page, p))
    ordered: list[PlannedRun] = []
    for p in sorted(by_pass, key=lambda p: (p.where is Where.CURRENT, p.kind is PassKind.CLASSIC)):
        leaders: dict[str, PlannedRun] = {}
        for run in by_pass[p]:
            key = run.page.scenario_key
            if key in leaders:
                run.leader = leaders[key]
            else:
                leaders[key] = run
            ordered.append(run)
    return ordered
