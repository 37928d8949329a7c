"""What happened to a block: a type per outcome, not a string other modules parse.

A failure keeps which command (or step of an interactive session) failed, not the
page's file and line, so the same outcome can be told for every page that holds the
same scenario (a page and its translation), each at its own file:line.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import ClassVar

from docmodel.page import Block, ConsoleBlock, Page

from .paths import shown


class Status(StrEnum):
    """A block's status in the report (the value is what the report writes)."""
    PASSED = "passed"
    FAILED = "failed"
    ILLUSTRATIVE = "illustrative"
    SKIPPED = "skipped"
    NOT_RUN = "not run"


class Verdict(Enum):
    """What pytest makes of an outcome."""
    PASS = "pass"
    SKIP = "skip"
    FAIL = "fail"


class Stop(Enum):
    """Why the rest of a page can't run after a block (the value is how a later block's reason says it)."""
    FAILED = "failed"
    TIMED_OUT = "timed out"
    SHELL_DIED = "broke the page's shell"
    ENGINE_STOPPED = "stopped with its engine"
    GUARD = "changed what existed before it"


@dataclass(frozen=True)
class StepRef:
    """A command of a console block (its index), or a step of that command's interactive session."""
    command: int
    session_step: int | None = None


@dataclass(frozen=True)
class Update:
    """In update mode: the output a command really printed, to write into the page."""
    step: StepRef
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    status: ClassVar[Status]
    verdict: ClassVar[Verdict] = Verdict.SKIP
    ran: ClassVar[bool] = False          # the block's commands were run (passed or failed)
    duration: float = 0.0

    @property
    def reason(self) -> str:
        return ""

    def reason_on(self, page: Page) -> str:
        """The reason as a report on `page` states it (a line number is that page's)."""
        return self.reason


@dataclass(frozen=True)
class Passed(Outcome):
    status: ClassVar[Status] = Status.PASSED
    verdict: ClassVar[Verdict] = Verdict.PASS
    ran: ClassVar[bool] = True
    commands: int = 0
    updates: tuple[Update, ...] = ()     # outputs rewritten by --update


@dataclass(frozen=True)
class Failed(Outcome):
    status: ClassVar[Status] = Status.FAILED
    verdict: ClassVar[Verdict] = Verdict.FAIL
    ran: ClassVar[bool] = True
    what: str = ""                       # the headline: "the output differs from the page", ...
    detail: str = ""                     # the command line(s), then a diff or the output's tail
    step: StepRef | None = None
    stops: Stop | None = None            # why the rest of the page can't run, if it can't

    @property
    def reason(self) -> str:
        return self.what


@dataclass(frozen=True)
class _NotRunOnPurpose(Outcome):
    """A block the page says not to run, with the page's reason."""
    why: str = ""

    @property
    def reason(self) -> str:
        return self.why


@dataclass(frozen=True)
class Illustrative(_NotRunOnPurpose):
    status: ClassVar[Status] = Status.ILLUSTRATIVE


@dataclass(frozen=True)
class Skipped(_NotRunOnPurpose):
    status: ClassVar[Status] = Status.SKIPPED


@dataclass(frozen=True)
class NotRun(Outcome):
    """Not run because an earlier block of the page stopped it."""
    status: ClassVar[Status] = Status.NOT_RUN
    after: int = 0                       # the index of the block that stopped the page
    why: Stop = Stop.FAILED

    def reason_on(self, page: Page) -> str:
        return f"not run: the block at line {page.blocks[self.after].line} {self.why.value}"


@dataclass(frozen=True)
class EngineDown(Outcome):
    """Not run because the engine the page would run on had stopped answering."""
    status: ClassVar[Status] = Status.NOT_RUN
    address: str = ""

    @property
    def reason(self) -> str:
        return f"not run: the Docker engine at {self.address} had stopped"


def where_block(page: Page, block: Block, step: StepRef | None = None) -> str:
    """file:line of a block."""
    return f"{shown(page.path)}:{block.line}"


def where_console(page: Page, block: ConsoleBlock, step: StepRef | None = None) -> str:
    """file:line of a console block, or of one of its commands (or a step of its interactive session);
    a snippet's command is named by the page's line of the snippet call and the snippet's own line."""
    if step is None:
        return where_block(page, block)
    cmd = block.commands[step.command]
    index = cmd.line if step.session_step is None else cmd.session[step.session_step].line
    line = block.origin.line_of(index)
    if block.snippet:
        return f"{where_block(page, block)} (snippet {block.origin.display}:{line})"
    return f"{shown(page.path)}:{line}"
