"""One glossary, used everywhere: on a Korean page the first use of a term gives the
English in parentheses, and the spellings the glossary says to avoid are not used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, pages
from markdown_structure import read

from macros.glossary import Term, load

TERMS = load(ROOT / "docs" / "glossary.yml")


def plain(text: str) -> str:
    """Prose without inline code, link targets, HTML tags or runner macros."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\{@.*?@\}", " ", text)


def uses(prose: str, terms: list[Term]):
    """(term, position) of each use, longest term first (도커 허브 is not a use of 도커)."""
    by_length = sorted(terms, key=lambda t: len(t.ko), reverse=True)
    pattern = re.compile("|".join(re.escape(t.ko) for t in by_length))
    lookup = {t.ko: t for t in terms}
    for m in pattern.finditer(prose):
        yield lookup[m.group(0)], m.end()


def first_use_problems(path: Path, terms: list[Term] = TERMS) -> list[str]:
    problems, seen = [], set()
    for line, text in read(path).prose:
        prose = plain(text)
        for term, end in uses(prose, terms):
            if term.ko in seen or term.ko == term.en:      # written the same in both (BuildKit): nothing to add
                continue
            seen.add(term.ko)
            after = prose[end:end + 60]
            m = re.match(r"\(([^)]*)\)", after)
            if not m or term.en.lower() not in m.group(1).lower():
                problems.append(f"{path.relative_to(path.parents[2]) if len(path.parents) > 2 else path}:{line}: "
                                f"first use of {term.ko!r} should read {term.ko}({term.en})")
    return problems


KO_PAGES = [p for p in pages("ko") if p.name != "glossary.md"]


@pytest.mark.parametrize("page", KO_PAGES, ids=lambda p: p.name)
def test_first_use_of_a_term_gives_the_english(page):
    problems = first_use_problems(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", pages("ko"), ids=lambda p: p.name)
def test_spellings_to_avoid_are_not_used(page):
    text = page.read_text(encoding="utf-8")
    found = [f"{page.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)!r} -> {t.ko!r}"
             for t in TERMS for bad in t.avoid for m in re.finditer(re.escape(bad), text)]
    assert not found, "\n".join(found)


def test_the_rule_is_enforced(tmp_path):
    page = tmp_path / "docs" / "ko" / "x.md"
    page.parent.mkdir(parents=True)
    page.write_text("# 컨테이너 { #c }\n\n도커 허브(Docker Hub)에서 받은 이미지로 컨테이너(container)를 만듭니다.\n\n"
                    "`docker run`은 컨테이너를 실행합니다. 이미지(image)는 다시 나옵니다.\n")
    problems = first_use_problems(page)
    assert problems == ["docs/ko/x.md:3: first use of '이미지' should read 이미지(image)"]


def test_every_term_has_both_languages_and_a_unique_anchor():
    anchors = [t.anchor for t in TERMS]
    assert len(set(anchors)) == len(anchors)
    assert all(t.ko and t.en and t.ko_desc and t.en_desc for t in TERMS)
