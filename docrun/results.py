"""The run's results: a record per block of every page, the outcomes followers reuse,
the edits update mode asks for, and what `--changed` may skip.

`--changed` keeps, in pytest's cache, a key per page run that passed: the page's
scenario, the snippets it embeds (both part of its scenario key), the IDs of the
catalogue images it uses, the engine it ran on and the builder. A page whose key is
there is not run again; its blocks are reported as passed, with when they really ran.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from docmodel.page import Block, Page
from provision.catalogue import Catalogue
from provision.engine import ENGINE_FAULTS
from provision.machines import engine_images

from . import images_check, report, update
from .engines import Engines
from .outcomes import Illustrative, Outcome, Passed, Skipped
from .passes import PlannedRun

CACHE_KEY = "docrun/passed/v1"


@dataclass
class Results:
    records: list[report.BlockRecord] = field(default_factory=list)
    # a page run (id) -> block index -> (outcome, when it ran)
    outcomes: dict[int, dict[int, tuple[Outcome, str]]] = field(default_factory=dict)
    edits: list[update.Edit] = field(default_factory=list)
    engines: dict[int, str] = field(default_factory=dict)    # a page run (id) -> the engine it ran on
    started: str = field(default_factory=report.now)
    docs_dir: str = ""
    page_images: dict[str, list[str]] = field(default_factory=dict)   # page -> the catalogue images it uses
    report: dict | None = None
    report_path: Path | None = None
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def add(self, page: Page, index: int, outcome: Outcome, *, engine: str, builder: str, ran_at: str,
            run_key: int, shared_with: str = "") -> report.BlockRecord:
        block = page.blocks[index]
        self.outcomes.setdefault(run_key, {})[index] = (outcome, ran_at)
        self.edits.extend(update.edits_for(block, outcome))
        record = report.BlockRecord(
            page=page.display, line=block.line, kind=block.kind, status=outcome.status,
            reason=outcome.reason_on(page), duration=round(outcome.duration, 3),
            engine=engine if outcome.ran else "", builder=builder if outcome.ran else "",
            source=block.origin.display if getattr(block, "snippet", None) else "",
            commands=getattr(outcome, "commands", 0), ran_at=ran_at if outcome.ran else "", shared_with=shared_with)
        self.records.append(record)
        return record

    def add_error(self, page_name: str, line: int, message: str) -> None:
        self.records.append(report.BlockRecord(page=page_name, line=line, kind="page", status="failed",
                                               reason=message, duration=0.0, engine=""))

    def complete(self, run_key: int, blocks: int) -> dict[int, tuple[Outcome, str]] | None:
        """A run's outcomes, if it ran every block (what a follower may reuse)."""
        got = self.outcomes.get(run_key, {})
        return got if len(got) == blocks else None


def changed_key(run: PlannedRun, engines: Engines, catalogue: Catalogue, builder: str) -> str:
    """What a page run's result depends on: its scenario (snippets included), the IDs of the
    catalogue images it uses, the engine it runs on and the builder."""
    host = engines.host_machine()
    ids = []
    for ref in images_check.catalogue_images(run.page, catalogue):
        try:
            ids.append(host.client.images.get(ref).id)
        except ENGINE_FAULTS:
            ids.append(f"missing:{ref}")
    engine = host.label if run.run_pass.engine == "host" else f"current:{_image_id(host, 'current')}"
    if run.page.isolated:
        engine += ":isolated"
    text = json.dumps([run.page.scenario_key, run.run_pass.name, engine, builder, sorted(ids)])
    return hashlib.sha256(text.encode()).hexdigest()


def _image_id(host, kind: str) -> str:
    try:
        return host.client.images.get(engine_images()[kind].ref).id
    except ENGINE_FAULTS:
        return "not built"


def cached_outcomes(entry: dict, blocks: list[Block]) -> list[tuple[Outcome, str]] | None:
    """A cache entry's outcomes for the blocks (None if the entry doesn't fit them)."""
    saved = entry.get("outcomes") or []
    if len(saved) != len(blocks):
        return None
    out = []
    for status, duration, commands, reason in saved:
        if status == "passed":
            out.append((Passed(duration=duration, commands=commands), entry.get("ran_at", "")))
        elif status == "illustrative":
            out.append((Illustrative(why=reason), ""))
        elif status == "skipped":
            out.append((Skipped(why=reason), ""))
        else:
            return None
    return out


def cache_entry(outcomes: list[tuple[Outcome, str]]) -> dict | None:
    """What to keep of a page run that passed (None if it did not pass)."""
    if any(o.status not in ("passed", "illustrative", "skipped") or getattr(o, "updates", ()) for o, _ in outcomes):
        return None                       # failed, or --update is rewriting the page: its text changes
    times = [t for _, t in outcomes if t]
    return {"ran_at": min(times) if times else report.now(),
            "outcomes": [[o.status, round(o.duration, 3), getattr(o, "commands", 0), o.reason] for o, _ in outcomes]}
