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
    pages: dict[str, dict] = {}
    executed: dict[str, set] = {}
    for b in blocks:
        p = pages.setdefault(b.page, {"status": "passed", "executed": 0, "blocks": 0, "builders": []})
        if b.status in ("passed", "failed") and b.kind != "file":
            executed.setdefault(b.page, set()).add(b.line)
        if b.status in ("passed", "failed") and b.builder and b.builder not in p["builders"]:
            p["builders"].append(b.builder)
        if b.status == "failed" or (b.status == "skipped" and b.reason.startswith("not run:")):
            p["status"] = "failed"
    for name, p in pages.items():
        lines = {b.line for b in blocks if b.page == name}
        p["blocks"], p["executed"] = len(lines), len(executed.get(name, ()))
    old = (previous or {}).get("pages", {})
    for name, p in pages.items():
        if p["status"] == "passed":
            p["last_passed"] = {"time": finished, "engine": engine}
        elif old.get(name, {}).get("last_passed"):
            p["last_passed"] = old[name]["last_passed"]
    return pages


def write(path: Path, blocks: list[BlockRecord], engine: dict, started: str, docs_dir: str) -> dict:
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
