"""One wording where the glossary can't hold it: every page's clean-up section has the same
heading and anchor, and no Korean sentence carries more than two English terms in parentheses."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, pages
from markdown_structure import read
from test_glossary import plain

CLEAN_UP = {"ko": "## 정리하기 { #clean-up }", "en": "## Clean up { #clean-up }"}
ENGLISH_IN_PARENTHESES = re.compile(r"\((?P<term>[A-Za-z][A-Za-z0-9 .,'/+&-]*)\)")
SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n")
MAX_TERMS = 2


@pytest.mark.parametrize("lang", CLEAN_UP)
def test_every_clean_up_section_has_the_same_heading(lang):
    wrong = []
    for page in pages(lang):
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"^#+ .*\{ #clean-?up \}\s*$", line) and line != CLEAN_UP[lang]:
                wrong.append(f"{page.relative_to(ROOT)}:{n}: {line!r} (write {CLEAN_UP[lang]!r})")
    assert not wrong, "\n".join(wrong)


def crowded_sentences(path) -> list[str]:
    found = []
    for line, text in read(path).prose:
        for sentence in SENTENCE_END.split(plain(text)):
            terms = ENGLISH_IN_PARENTHESES.findall(sentence)
            if len(terms) > MAX_TERMS:
                found.append(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{line}: "
                             f"{len(terms)} English terms in parentheses ({', '.join(terms)}): "
                             f"{sentence.strip()[:80]}...")
    return found


@pytest.mark.parametrize("page", pages("ko"), ids=lambda p: p.name)
def test_no_korean_sentence_has_more_than_two_english_terms_in_parentheses(page):
    found = crowded_sentences(page)
    assert not found, "\n".join(found)


def test_crowded_sentences_are_found(tmp_path):
    page = tmp_path / "x.md"
    page.write_text("# 제목 { #x }\n\n도커(Docker)로 이미지(image)와 컨테이너(container)를 다룹니다. "
                    "볼륨(volume)은 둘(`-v`, `--mount`)로 붙입니다.\n")
    assert crowded_sentences(page) == [f"{page}:3: 3 English terms in parentheses (Docker, image, container): "
                                       "도커(Docker)로 이미지(image)와 컨테이너(container)를 다룹니다...."]
