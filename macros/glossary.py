"""The one glossary (docs/glossary.yml), rendered as a table in the page's language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from docmodel.errors import SourceError

REQUIRED = ("ko", "en", "ko_desc", "en_desc")


@dataclass(frozen=True)
class Term:
    ko: str
    en: str
    ko_desc: str
    en_desc: str
    avoid: tuple[str, ...] = field(default_factory=tuple)

    @property
    def anchor(self) -> str:
        return "term-" + re.sub(r"[^a-z0-9]+", "-", self.en.lower()).strip("-")


_loaded: dict[Path, tuple[int, list[Term]]] = {}     # Zensical asks for every page


def load(path: Path) -> list[Term]:
    """The glossary's terms, read again only when the file changed."""
    stamp = path.stat().st_mtime_ns
    if path not in _loaded or _loaded[path][0] != stamp:
        _loaded[path] = (stamp, _read(path))
    return list(_loaded[path][1])


def _read(path: Path) -> list[Term]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise SourceError(str(path), mark.line + 1 if mark else 1, f"not valid YAML: {err}") from None
    terms, seen = [], set()
    text_lines = path.read_text(encoding="utf-8").splitlines()
    for n, entry in enumerate(raw):
        line = [i for i, text in enumerate(text_lines) if text.startswith("- ")][n] + 1
        missing = [k for k in REQUIRED if not (isinstance(entry, dict) and entry.get(k))]
        if missing:
            raise SourceError(str(path), line, f"glossary entry needs {', '.join(missing)}")
        names = {entry["ko"].lower(), entry["en"].lower()}    # one word in both languages (BuildKit) is fine
        for name in sorted(names & seen):
            raise SourceError(str(path), line, f"{name!r} is in the glossary twice")
        seen |= names
        terms.append(Term(entry["ko"], entry["en"], entry["ko_desc"], entry["en_desc"],
                          tuple(entry.get("avoid") or ())))
    return terms


HEADERS = {"ko": ("한국어", "English", "설명"), "en": ("English", "한국어", "Description")}


def table(terms: list[Term], lang: str) -> str:
    first, second, desc = HEADERS.get(lang, HEADERS["en"])
    rows = [f"| {first} | {second} | {desc} |", "| --- | --- | --- |"]
    ordered = sorted(terms, key=lambda t: t.ko if lang == "ko" else t.en.lower())
    for t in ordered:
        a, b, d = (t.ko, t.en, t.ko_desc) if lang == "ko" else (t.en, t.ko, t.en_desc)
        rows.append(f'| <span id="{t.anchor}"></span>{a} | {b} | {d} |')
    return "\n".join(rows)
