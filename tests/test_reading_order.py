"""The index's reading path is the nav: the same pages, in the same order, under the same names
(each page's title), in both languages. On a Korean page a title may carry the English of a term
it uses first, as the glossary asks: 커밋(commit)으로 이미지 만들기 is 커밋으로 이미지 만들기."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import LANGS, ROOT

TITLE = re.compile(r"^#\s+(?P<title>.+?)\s*\{\s*#[^}]*\}\s*$")
GLOSS = re.compile(r"\([A-Za-z][^)]*\)")
LINK = re.compile(r"^\d+\.\s+\[(?P<text>[^\]]+)\]\((?P<target>[^)#\s]+)(?:#[^)]*)?\)")


def nav(config: Path = ROOT / "mkdocs.yml") -> list[str]:
    """The pages of `nav:` in mkdocs.yml, in order (read as text: the file has !ENV tags)."""
    lines = config.read_text(encoding="utf-8").splitlines()
    start = lines.index("nav:") + 1
    pages = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        m = re.match(r"^\s+-\s+(?:[^:]+:\s+)?(\S+\.md)\s*$", line)
        if m:
            pages.append(m.group(1))
    return pages


def title(lang: str, page: str) -> str:
    first = (ROOT / "docs" / lang / page).read_text(encoding="utf-8").splitlines()[0]
    m = TITLE.match(first)
    assert m, f"docs/{lang}/{page}: the first line must be the page's title with its anchor"
    return m["title"]


def reading_path(index: Path) -> list[tuple[str, str]]:
    """(target, text) of each numbered item of the index's reading path, in order."""
    text = index.read_text(encoding="utf-8")
    section = re.search(r"^## .*\{ #reading-path \}\n(?P<body>.*?)(?=^## )", text, re.M | re.S)
    assert section, f"{index}: no section {{ #reading-path }}"
    return [(m["target"], GLOSS.sub("", m["text"])) for line in section["body"].splitlines() if (m := LINK.match(line))]


@pytest.mark.parametrize("lang", LANGS)
def test_the_index_lists_the_nav_in_order_under_the_pages_titles(lang):
    expected = [(page, title(lang, page)) for page in nav() if page != "index.md"]
    found = reading_path(ROOT / "docs" / lang / "index.md")
    assert found == expected, (f"docs/{lang}/index.md's reading path must be the nav, in order, "
                               f"each page under its title:\n  found:    {found}\n  expected: {expected}")


def test_every_page_is_in_the_nav():
    pages = {p.name for p in (ROOT / "docs" / "ko").glob("*.md")}
    assert set(nav()) == pages and len(nav()) == len(pages)


def test_the_reading_path_is_read_from_the_index(tmp_path):
    index = tmp_path / "index.md"
    index.write_text("# KB { #kb }\n\n## 읽는 순서 { #reading-path }\n\n1. [A](a.md): first.\n"
                     "2. [B page](b.md#x): second.\n3. [커밋(commit)으로 만들기](c.md): third.\n\n"
                     "## 다음 { #next }\n\n1. [D](d.md)\n")
    assert reading_path(index) == [("a.md", "A"), ("b.md", "B page"), ("c.md", "커밋으로 만들기")]
