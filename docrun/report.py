"""The machine-readable report: reports/blocks.json (JUnit XML comes from pytest's --junitxml).

Every block is listed with its page, line, kind, status, reason, duration and the
engine it ran on. Per page, `last_passed` records when and on which engine all its
examples last passed; it is carried over from the previous report when a page
fails, so the site can say "last passed on ..." truthfully.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

SCHEMA = 1


@dataclass
class BlockRecord:
    page: str            # relative to the docs folder, e.g. ko/containers.md
    line: int
    kind: str            # console | file | setup | wait-http | ... | illustrative | skip
    status: str          # passed | failed | illustrative | skipped
    reason: str
    duration: float
    engine: str
    source: str = ""     # snippets/<name>.console when the block's text lives there
    commands: int = 0
    builder: str = ""    # BuildKit | classic builder: pages that build images run with each


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def summarize(blocks: list[BlockRecord]) -> dict:
    status = Counter(b.status for b in blocks)
    return {
        "pages": len({b.page for b in blocks}),
        "blocks": len(blocks),
        "run": status["passed"] + status["failed"],
        "passed": status["passed"],
        "failed": status["failed"],
        "illustrative": status["illustrative"],
        "skipped": status["skipped"],
    }


def page_states(blocks: list[BlockRecord], previous: dict | None, finished: str, engine: str) -> dict:
    """Per page: passed or failed, how many blocks, and when and where it last passed
    (each engine with the builders it ran; carried over from `previous` when it fails)."""
    pages: dict[str, dict] = {}
    for b in blocks:
        p = pages.setdefault(b.page, {"status": "passed", "lines": set(), "executed": set(), "engines": {}})
        p["lines"].add(b.line)
        if b.status in ("passed", "failed") and b.kind != "file":
            p["executed"].add(b.line)
        if b.status in ("passed", "failed") and b.engine:
            builders = p["engines"].setdefault(b.engine, [])
            if b.builder and b.builder not in builders:
                builders.append(b.builder)
        if b.status == "failed" or (b.status == "skipped" and b.reason.startswith("not run:")):
            p["status"] = "failed"
    old = (previous or {}).get("pages", {})
    states = {}
    for name, p in pages.items():
        state = {"status": p["status"], "blocks": len(p["lines"]), "executed": len(p["executed"])}
        if p["status"] == "passed":
            state["last_passed"] = {"time": finished, "engine": engine, "engines": [
                {"engine": label, "builders": builders} for label, builders in p["engines"].items()]}
        elif old.get(name, {}).get("last_passed"):
            state["last_passed"] = old[name]["last_passed"]
        states[name] = state
    return states


def write(path: Path, blocks: list[BlockRecord], engine: dict, started: str, docs_dir: str,
          engines: list[dict] | None = None) -> dict:
    previous = None
    if path.exists():
        try:
            previous = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            previous = None
    finished = now()
    report = {
        "schema": SCHEMA,
        "started": started,
        "finished": finished,
        "docs_dir": docs_dir,
        "engine": engine,
        "engines": engines or [engine],
        "summary": summarize(blocks),
        "pages": page_states(blocks, previous, finished, engine.get("label", "")),
        "blocks": [asdict(b) for b in blocks],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".blocks.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(tmp, path)
    return report
