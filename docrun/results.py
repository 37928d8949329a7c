"""The run's results: a record per block of every page, the outcomes followers reuse
(kept by run key), and the edits update mode asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docmodel.page import Page

from . import report, update
from .kinds import edits_for
from .outcomes import Outcome, Status


@dataclass
class Results:
    records: list[report.BlockRecord] = field(default_factory=list)
    # a page run (its key) -> block index -> (outcome, when it ran)
    outcomes: dict[str, dict[int, tuple[Outcome, str]]] = field(default_factory=dict)
    edits: list[update.Edit] = field(default_factory=list)
    engines: dict[str, str] = field(default_factory=dict)    # a page run (its key) -> the engine it ran on
    started: str = field(default_factory=report.now)
    docs_dir: str = ""
    page_images: dict[str, list[str]] = field(default_factory=dict)   # page -> the catalogue images it uses
    report: dict | None = None
    report_path: Path | None = None
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def add(self, page: Page, index: int, outcome: Outcome, *, engine: str, builder: str, ran_at: str,
            run_key: str, shared_with: str = "") -> report.BlockRecord:
        block = page.blocks[index]
        self.outcomes.setdefault(run_key, {})[index] = (outcome, ran_at)
        self.edits.extend(edits_for(block, outcome))
        record = report.BlockRecord(
            page=page.display, line=block.line, kind=block.kind, status=outcome.status,
            reason=outcome.reason_on(page), duration=round(outcome.duration, 3),
            engine=engine if outcome.ran else "", builder=builder if outcome.ran else "",
            source=block.origin.display if getattr(block, "snippet", None) else "",
            commands=getattr(outcome, "commands", 0), ran_at=ran_at if outcome.ran else "", shared_with=shared_with)
        self.records.append(record)
        return record

    def add_error(self, page_name: str, line: int, message: str) -> None:
        """A page that could not be read: a failed record naming the problem at its line."""
        self.records.append(report.BlockRecord(page=page_name, line=line, kind=report.PAGE_ERROR,
                                               status=Status.FAILED, reason=message, duration=0.0, engine=""))

    def complete(self, run_key: str, blocks: int) -> dict[int, tuple[Outcome, str]] | None:
        """A run's outcomes, if it ran every block (what a follower may reuse)."""
        got = self.outcomes.get(run_key, {})
        return got if len(got) == blocks else None
