"""Every kind of block, in one place: how it is evaluated, located, edited by update mode and
written as plain bash for the bench. Adding a kind of block to the page model (docmodel)
means adding its line here, and nowhere else in the runner.

A block is paired with its kind by its class (a subclass of a known kind is that kind), as
Sybil pairs each region with its evaluator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from docmodel.page import ActionBlock, Block, ConsoleBlock, FileBlock, NotRunBlock, Page

from . import evaluators, plain_bash
from .context import Context
from .outcomes import Failed, Outcome, StepRef, where_block, where_console
from .update import Edit, console_edits, no_edits


@dataclass(frozen=True)
class Kind:
    block: type[Block]
    evaluate: Callable[[Block, Context], Outcome]
    locate: Callable[[Page, Block, StepRef | None], str]     # file:line of the block, or of one of its steps
    edits: Callable[[Block, Outcome], list[Edit]]            # what update mode writes back
    bash: Callable[[Block], list[str]]                       # the same as plain bash (./kb bench)


KINDS = (
    Kind(ConsoleBlock, evaluators.console, where_console, console_edits, plain_bash.console_script),
    Kind(FileBlock, evaluators.write_file, where_block, no_edits, plain_bash.file_script),
    Kind(ActionBlock, evaluators.action, where_block, no_edits, plain_bash.action_script),
    Kind(NotRunBlock, evaluators.not_run, where_block, no_edits, plain_bash.nothing),
)
_BY_CLASS = {k.block: k for k in KINDS}


def kind_of(block: Block) -> Kind:
    for cls in type(block).__mro__:
        if cls in _BY_CLASS:
            return _BY_CLASS[cls]
    raise TypeError(f"no kind of block is known for {type(block).__name__} (add it to docrun/kinds.py)")


def evaluate(block: Block, context: Context) -> Outcome:
    """Run a block with its kind's evaluator (what a PageRun is given)."""
    return kind_of(block).evaluate(block, context)


def where(page: Page, block: Block, step: StepRef | None = None) -> str:
    return kind_of(block).locate(page, block, step)


def failure_message(page: Page, block: Block, failed: Failed) -> str:
    """A failure as an author reads it: file:line, what, the command and the diff."""
    return f"{where(page, block, failed.step)}: {failed.what}\n{failed.detail}".rstrip()


def edits_for(block: Block, outcome: Outcome) -> list[Edit]:
    return kind_of(block).edits(block, outcome)
