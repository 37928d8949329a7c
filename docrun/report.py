"""The machine-readable report: reports/blocks.json (JUnit XML comes from pytest's --junitxml).

Every block is listed with its page, line, kind, status, reason, duration, the engine
and builder it ran with, and when it ran. Per page, `last_passed` records when and on
which engines (with which builders) all its examples last passed; it is carried over
from the previous report when a page fails, so the site can say "last passed on ..."
truthfully.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from kbutil.files import write_atomically
from provision.checked_on import Declared, Role

from .outcomes import Status

SCHEMA = 2
PAGE_ERROR = "page"     # the kind of the record of a page that could not be read (nothing of it ran)


@dataclass
class BlockRecord:
    page: str            # relative to the docs folder, e.g. ko/containers.md
    line: int
    kind: str            # console | file | setup | wait-http | ... | illustrative | skipped | PAGE_ERROR
    status: Status
    reason: str
    duration: float
    engine: str
    builder: str = ""    # BuildKit | classic builder
    source: str = ""     # snippets/<name>.console when the block's text lives there
    commands: int = 0
    ran_at: str = ""     # when the block ran (an unchanged page re-used with --changed: when it really ran)
    shared_with: str = ""  # the page whose run this block's outcome comes from, if not its own


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def summarize(blocks: list[BlockRecord]) -> dict:
    status = Counter(b.status for b in blocks)
    unreadable = sum(1 for b in blocks if b.kind == PAGE_ERROR)
    return {
        "pages": len({b.page for b in blocks}),
        "blocks": len(blocks),
        "run": status[Status.PASSED] + status[Status.FAILED] - unreadable,
        "passed": status[Status.PASSED],
        "failed": status[Status.FAILED],
        "illustrative": status[Status.ILLUSTRATIVE],
        "skipped": status[Status.SKIPPED],
        "not_run": status[Status.NOT_RUN],
    }


def summary_line(summary: dict) -> str:
    s = {k: summary.get(k, 0) for k in ("pages", "blocks", "run", "passed", "failed", "illustrative", "skipped",
                                         "not_run")}
    line = (f"{s['pages']} pages, {s['blocks']} blocks: {s['run']} run, {s['passed']} passed, {s['failed']} failed, "
            f"{s['illustrative']} illustrative, {s['skipped']} skipped")
    return line + (f", {s['not_run']} not run" if s["not_run"] else "")


def page_states(blocks: list[BlockRecord], previous: dict | None, engines: list[dict] | None = None,
                page_images: dict[str, list[str]] | None = None) -> dict:
    """Per page: passed or failed, how many blocks, and when and where it last passed
    (each engine with the builders it ran and the versions of the catalogue images the page
    uses there; carried over from `previous` when it fails)."""
    versions = {e["label"]: e.get("images", {}) for e in engines or []}
    pages: dict[str, dict] = {}
    for b in blocks:
        p = pages.setdefault(b.page, {"status": "passed", "lines": set(), "executed": set(), "engines": {},
                                      "times": []})
        p["lines"].add(b.line)
        ran = b.status in (Status.PASSED, Status.FAILED)
        if ran and b.kind != "file":
            p["executed"].add(b.line)
        if ran and b.engine:
            builders = p["engines"].setdefault(b.engine, [])
            if b.builder and b.builder not in builders:
                builders.append(b.builder)
        if b.ran_at:
            p["times"].append(b.ran_at)
        if b.status in (Status.FAILED, Status.NOT_RUN):
            p["status"] = "failed"
    old = (previous or {}).get("pages", {})
    states = {}
    for name, p in pages.items():
        state = {"status": p["status"], "blocks": len(p["lines"]), "executed": len(p["executed"])}
        if p["status"] == "passed" and p["executed"]:
            uses = (page_images or {}).get(name, [])
            engines = [{"engine": label, "builders": builders,
                        "images": {ref: versions[label][ref] for ref in uses if ref in versions.get(label, {})}}
                       for label, builders in p["engines"].items()]
            state["last_passed"] = {"time": max(p["times"]) if p["times"] else now(),
                                    "engine": engines[0]["engine"] if engines else "", "engines": engines}
        elif old.get(name, {}).get("last_passed"):
            state["last_passed"] = old[name]["last_passed"]
        states[name] = state
    return states


def checked_on(engines: list[dict], declared: Declared) -> list[tuple[str, bool]]:
    """The summary's lines about the declared engines (provision/engines.yml): which ran, with
    which version and builders; each with whether it is a warning (a version other than the
    declared one)."""
    lines = []
    for want in declared.engines:
        ran = [e for e in engines if e.get("role") == want.role]
        store = ", containerd image store" if want.containerd_store else ""
        head = f"declared: {want.label} (Debian {want.suite}{store})"
        if not ran:
            lines.append((f"{head}: not in this run", False))
            continue
        for e in ran:
            builders = ", ".join(e.get("builders", [])) or "no build"
            off = not e.get("version", "").startswith(want.version + ".")
            note = f" (not the declared {want.version}: see provision/engines.yml)" if off else ""
            lines.append((f"{head}: ran {e.get('version', '?')} ({builders}){note}", off))
    lines += [(f"engine of this machine: {e['label']} ({', '.join(e.get('builders', [])) or 'no build'})", False)
              for e in engines if e.get("role") == Role.HOST]
    return lines


def read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def build(blocks: list[BlockRecord], engines: list[dict], started: str, finished: str, docs_dir: str,
          page_images: dict[str, list[str]] | None, previous: dict | None) -> dict:
    """The report of a run (or of shards joined): its blocks, engines, summary and page states."""
    states = page_states(blocks, previous, engines, page_images)
    for name, state in states.items():
        state["images"] = sorted((page_images or {}).get(name, []))
    return {
        "schema": SCHEMA,
        "started": started,
        "finished": finished,
        "docs_dir": docs_dir,
        "engine": engines[0] if engines else {},
        "engines": engines,
        "summary": summarize(blocks),
        "pages": states,
        "blocks": [asdict(b) for b in blocks],
    }


def write(path: Path, blocks: list[BlockRecord], engines: list[dict], started: str, docs_dir: str,
          page_images: dict[str, list[str]] | None = None) -> dict:
    report = build(blocks, engines, started, now(), docs_dir, page_images, read(path))
    write_atomically(path, json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    return report


class MergeError(ValueError):
    pass


def merge(parts: list[dict], previous: dict | None) -> dict:
    """The shards' reports as one: their blocks, engines (builders and image versions together) and
    page states as an unsharded run would give them; a page in two parts is refused."""
    if not parts:
        raise MergeError("no reports to merge")
    if len({p.get("docs_dir") for p in parts}) > 1:
        raise MergeError("the reports are of different folders of docs: "
                         + ", ".join(sorted({str(p.get('docs_dir')) for p in parts})))
    seen: dict[str, int] = {}
    blocks: list[BlockRecord] = []
    engines: dict[str, dict] = {}
    images: dict[str, list[str]] = {}
    for n, part in enumerate(parts):
        pages = {b["page"] for b in part.get("blocks", [])}
        for page in sorted(pages):
            if page in seen:
                raise MergeError(f"{page} is in shard reports {seen[page] + 1} and {n + 1}: were they of one split?")
            seen[page] = n
        blocks += [BlockRecord(**b) for b in part.get("blocks", [])]
        for e in part.get("engines", []):
            into = engines.setdefault(e["label"], {**e, "builders": []})
            into["builders"] += [b for b in e.get("builders", []) if b not in into["builders"]]
            into.setdefault("images", {}).update(e.get("images", {}))
        for name, state in part.get("pages", {}).items():
            images[name] = state.get("images", [])
    return build(blocks, list(engines.values()), min(p["started"] for p in parts),
                 max(p["finished"] for p in parts), parts[0].get("docs_dir", ""), images, previous)


def summary_lines(results, declared: Declared, shown_path: str) -> list[tuple[str, bool]]:
    """What the run's end says: the counts, the declared engines as they ran, the report, what
    update mode changed or could not; each line with whether it is a warning."""
    rep = results.report
    lines = [(summary_line(rep.get("summary", {})), False)]
    lines += checked_on(rep.get("engines", []), declared)
    lines.append((f"report: {shown_path}", False))
    lines += [(f"updated: {name}", False) for name in results.changed]
    lines += [(f"update conflict: {line}", True) for line in results.conflicts]
    return lines
