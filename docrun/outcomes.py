"""What happened to a block: a type per outcome, not a string other modules parse.

A failure keeps which command (or step of an interactive session) failed, not the
page's file and line, so the same outcome can be told for every page that holds the
same scenario (a page and its translation), each at its own file:line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from docmodel.page import Block, ConsoleBlock, Page

from .paths import shown


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
    status: ClassVar[str]
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
    status: ClassVar[str] = "passed"
    ran: ClassVar[bool] = True
    commands: int = 0
    updates: tuple[Update, ...] = ()     # outputs rewritten by --update


@dataclass(frozen=True)
class Failed(Outcome):
    status: ClassVar[str] = "failed"
    ran: ClassVar[bool] = True
    what: str = ""                       # the headline: "the output differs from the page", ...
    detail: str = ""                     # the command line(s), then a diff or the output's tail
    step: StepRef | None = None
    aborts: str = ""                     # why the rest of the page can't run, if it can't

    @property
    def reason(self) -> str:
        return self.what

    def message(self, page: Page, block: Block) -> str:
        """The failure as an author reads it: file:line, what, the command and the diff."""
        head = f"{where(page, block, self.step)}: {self.what}"
        return f"{head}\n{self.detail}".rstrip()


@dataclass(frozen=True)
class _NotRunOnPurpose(Outcome):
    """A block the page says not to run, with the page's reason."""
    why: str = ""

    @property
    def reason(self) -> str:
        return self.why


@dataclass(frozen=True)
class Illustrative(_NotRunOnPurpose):
    status: ClassVar[str] = "illustrative"


@dataclass(frozen=True)
class Skipped(_NotRunOnPurpose):
    status: ClassVar[str] = "skipped"


@dataclass(frozen=True)
class NotRun(Outcome):
    """Not run because an earlier block of the page failed, timed out or broke its shell."""
    status: ClassVar[str] = "not run"
    after: int = 0                       # the index of the block that stopped the page
    why: str = "failed"                  # failed | timed out | broke the page's shell

    def reason_on(self, page: Page) -> str:
        return f"not run: the block at line {page.blocks[self.after].line} {self.why}"


@dataclass(frozen=True)
class EngineDown(Outcome):
    """Not run because the engine the page would run on had stopped answering."""
    status: ClassVar[str] = "not run"
    address: str = ""

    @property
    def reason(self) -> str:
        return f"not run: the Docker engine at {self.address} had stopped"


def where(page: Page, block: Block, step: StepRef | None = None) -> str:
    """file:line of a block, or of one command (or session step) in a console block."""
    page_at = f"{shown(page.path)}:{block.line}"
    if step is None or not isinstance(block, ConsoleBlock):
        return page_at
    cmd = block.commands[step.command]
    index = cmd.line if step.session_step is None else cmd.session[step.session_step].line
    line = block.origin.line_of(index)
    if block.snippet:
        return f"{page_at} (snippet {block.origin.display}:{line})"
    return f"{shown(page.path)}:{line}"
