"""The note at the end of each page: when, and on which engine, its examples last passed.

It reads the runner's report (reports/blocks.json, or the file named by
$DOCKER_KB_REPORT). Without a report, or for a page the report doesn't list,
no note is shown.
"""

from __future__ import annotations

import html
import json
import os
from datetime import datetime
from pathlib import Path

MESSAGES = {
    "ko": {
        "passed": "이 페이지의 예제 {blocks}개는 {time}에 {engine}에서 마지막으로 통과했습니다.",
        "builders": " (빌더: {})",
        "and": ", ",
        "classic builder": "클래식 빌더",
        "failed": "이 페이지의 예제는 {time} 실행에서 실패했습니다. 마지막으로 통과한 때: {last}.",
        "never": "아직 없음",
        "images": " 사용한 이미지: {}.",
    },
    "en": {
        "passed": "The {blocks} examples on this page last passed on {time} with {engine}.",
        "builders": " ({})",
        "and": " and ",
        "classic builder": "classic builder",
        "failed": "The examples on this page failed in the run of {time}. Last passed: {last}.",
        "never": "never",
        "images": " Images: {}.",
    },
}


def builder_name(builder: str, lang: str) -> str:
    """A builder's name as the page's language says it ("classic builder": 클래식 빌더)."""
    return MESSAGES.get(lang, MESSAGES["en"]).get(builder, builder)


def report_path(project_root: Path) -> Path:
    return Path(os.environ.get("DOCKER_KB_REPORT") or project_root / "reports" / "blocks.json")


_loaded: dict[Path, tuple[int, dict | None]] = {}    # path -> (mtime, report): Zensical asks for every page


def load_report(path: Path) -> dict | None:
    try:
        mtime = path.stat().st_mtime_ns
        if path not in _loaded or _loaded[path][0] != mtime:
            _loaded[path] = (mtime, json.loads(path.read_text(encoding="utf-8")))
        return _loaded[path][1]
    except (OSError, ValueError):
        return None


def _when(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M UTC")


def _images(engines: list[dict], text: dict) -> str:
    """The catalogue images the page's examples ran with, and their versions (the same image
    comes from the same mirror on every engine; the first engine's versions are named)."""
    versions: dict[str, str] = {}
    for e in engines:
        for ref, version in (e.get("images") or {}).items():
            versions.setdefault(ref, version)
    if not versions:
        return ""
    return text["images"].format(", ".join(f"{ref} ({version})" for ref, version in sorted(versions.items())))


def note(report: dict | None, page_key: str, lang: str) -> str:
    """An HTML paragraph for the end of the page, or "" when the report says nothing about it."""
    if not report:
        return ""
    page = report.get("pages", {}).get(page_key)
    if not page or not page.get("executed"):
        return ""
    text = MESSAGES.get(lang, MESSAGES["en"])
    last = page.get("last_passed")
    if page.get("status") == "passed" and last:
        engines = last.get("engines") or [{"engine": last["engine"], "builders": []}]
        where = text["and"].join(
            e["engine"] + (text["builders"].format(", ".join(builder_name(b, lang) for b in e["builders"]))
                           if e.get("builders") else "")
            for e in engines)
        message = text["passed"].format(blocks=page["executed"], time=_when(last["time"]), engine=where)
        message += _images(engines, text)
        css = "kb-tested kb-tested--passed"
    else:
        since = f"{_when(last['time'])}, {last['engine']}" if last else text["never"]
        message = text["failed"].format(time=_when(report["finished"]), last=since)
        css = "kb-tested kb-tested--failed"
    return f'<p class="{css}">{html.escape(message)}</p>'
