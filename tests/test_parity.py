"""Korean and English pages stay in step: same pages, heading anchors, code blocks,
directives, snippets and images, in the same order. A mismatch names the page and anchor."""

from __future__ import annotations

import difflib
import re

import pytest
from conftest import ROOT, pages
from markdown_structure import read

KO, EN = ROOT / "docs" / "ko", ROOT / "docs" / "en"
ASCII_ANCHOR = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def test_the_same_pages_and_assets_exist_in_both_languages():
    def files(root):
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    only_ko, only_en = files(KO) - files(EN), files(EN) - files(KO)
    assert not only_ko and not only_en, f"only in ko: {sorted(only_ko)}; only in en: {sorted(only_en)}"


def structure_problems(ko_file, en_file, page: str) -> list[str]:
    ko, en = read(ko_file), read(en_file)
    problems = []
    for side in (ko, en):
        anchors = [h.section for h in side.of("heading")]
        for h in side.of("heading"):
            if not ASCII_ANCHOR.match(h.section):
                problems.append(f"{side.path}:{h.line}: heading needs an explicit ASCII "
                                f"anchor {{ #like-this }}: {h.section}")
        for dup in {a for a in anchors if anchors.count(a) > 1}:
            problems.append(f"{side.path}: anchor #{dup} is used twice")
    for kind in ("heading", "code", "directive", "snippet", "image"):
        a = [(e.section, e.value) for e in ko.of(kind)]
        b = [(e.section, e.value) for e in en.of(kind)]
        if a == b:
            continue
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            for section, value in a[i1:i2]:
                line = next(e.line for e in ko.of(kind) if (e.section, e.value) == (section, value))
                problems.append(f"{page}: {kind} under #{section or '(top)'} (ko line {line}) has no English "
                                f"counterpart: {value.strip()[:120]!r}")
            for section, value in b[j1:j2]:
                line = next(e.line for e in en.of(kind) if (e.section, e.value) == (section, value))
                problems.append(f"{page}: {kind} under #{section or '(top)'} (en line {line}) has no Korean "
                                f"counterpart: {value.strip()[:120]!r}")
    return problems


@pytest.mark.parametrize("page", [p.relative_to(KO).as_posix() for p in pages("ko")])
def test_page_structure_matches(page):
    problems = structure_problems(KO / page, EN / page, page)
    assert not problems, "\n".join(problems)


def test_a_drifted_translation_is_reported_with_page_and_anchor(tmp_path):
    ko, en = tmp_path / "ko.md", tmp_path / "en.md"
    ko.write_text("# 제목 { #title }\n\n## 생명 주기 { #lifecycle }\n\n```console\n$ docker ps\n```\n\n"
                  "## 정리 { #cleanup }\n\n<!-- docrun: exit 1 -->\n```console\n$ false\n```\n")
    en.write_text("# Title { #title }\n\n## Life cycle { #life-cycle }\n\n```console\n$ docker ps -a\n```\n\n"
                  "## Clean up\n\n```console\n$ false\n```\n")
    problems = "\n".join(structure_problems(ko, en, "x.md"))
    assert "heading needs an explicit ASCII anchor" in problems                 # "## Clean up"
    assert "x.md: heading under #lifecycle (ko line 3) has no English counterpart" in problems
    assert "x.md: code under #lifecycle (ko line 5) has no English counterpart: 'console\\n$ docker ps'" in problems
    assert "x.md: directive under #cleanup (ko line 11) has no English counterpart" in problems
    assert structure_problems(ko, ko, "x.md") == []
