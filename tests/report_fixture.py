"""A test report (reports/blocks.json's form) on the docs as they are now, for the marks under the
code blocks: every block of every page passed on Engine 20.10 (BuildKit and the classic builder)
and on Engine 28.5 (BuildKit), illustrative and skipped blocks with their reasons, except on the
pages named in `failing`: there the given block (counted among the code blocks a reader sees,
from 0) failed on 28.5, and the blocks after it were not run there."""

from __future__ import annotations

import json
from pathlib import Path

from docmodel.page import ActionBlock, NotRunBlock, find_pages, read_page
from docmodel.snippets import SnippetStore
from docrun.evaluators import not_run

WHEN = "2026-12-05T07:40:00+00:00"
ENGINE_20 = "Docker Engine 20.10.24+dfsg1 (linux/amd64)"
ENGINE_28 = "Docker Engine 28.5.2+dfsg4 (linux/amd64)"
RUNS = ((ENGINE_20, "BuildKit"), (ENGINE_20, "classic builder"), (ENGINE_28, "BuildKit"))
FAILED_BECAUSE = "the output differs from the page"


def write_report(path: Path, docs: Path, snippets: Path, failing: dict[str, int]) -> Path:
    blocks = []
    for source in find_pages(docs):
        page = read_page(source, docs, SnippetStore(snippets, display_root=snippets.parent))
        name = source.relative_to(docs).as_posix().split("/", 1)[1]
        failed_at = None
        shown = [b for b in page.blocks if not isinstance(b, ActionBlock)]
        if name in failing:
            failed_at = page.blocks.index(shown[failing[name]])
        for engine, builder in RUNS:
            for index, block in enumerate(page.blocks):
                status, reason = "passed", ""
                if isinstance(block, NotRunBlock):
                    outcome = not_run(block)                  # what the runner records for it
                    status, reason = outcome.status.value, outcome.reason
                elif failed_at is not None and engine == ENGINE_28:
                    if index == failed_at:
                        status, reason = "failed", FAILED_BECAUSE
                    elif index > failed_at:
                        status, reason = "not run", "not run: an earlier block failed"
                ran = status in ("passed", "failed")
                blocks.append({"page": page.display, "line": block.line, "kind": block.kind, "status": status,
                               "reason": reason, "engine": engine if ran else "", "builder": builder if ran else "",
                               "source": block.origin.display if getattr(block, "snippet", None) else "",
                               "ran_at": WHEN if ran else ""})
    path.write_text(json.dumps({"schema": 2, "finished": WHEN, "pages": {}, "blocks": blocks}), encoding="utf-8")
    return path
