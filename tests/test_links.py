"""Every link inside the built site leads to a page that exists, and to an anchor on it that exists."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse


class Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag == "a" and a.get("href") is not None:
            self.links.append(a["href"])


def site_prefix(root: Path) -> str:
    """The path the site is served under (absolute links in 404.html use it)."""
    from mkdocs.config import load_config
    return urlparse(load_config(str(root / "mkdocs.yml")).site_url or "/").path


def target_file(site: Path, page: Path, path: str, prefix: str) -> Path:
    if path.startswith("/"):
        if not path.startswith(prefix):
            return site / "__outside_the_site__"
        base = site / path[len(prefix):]
    else:
        base = (page.parent / path) if path else page
    base = Path(unquote(str(base)))
    return base / "index.html" if base.is_dir() else base


def broken_links(site: Path, prefix: str = "/") -> list[str]:
    parsed: dict[Path, Anchors] = {}

    def parse(path: Path) -> Anchors:
        if path not in parsed:
            parsed[path] = Anchors()
            parsed[path].feed(path.read_text(encoding="utf-8"))
        return parsed[path]

    problems = []
    for page in sorted(site.rglob("*.html")):
        for href in parse(page).links:
            url = urlparse(href)
            if url.scheme or url.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = target_file(site, page, url.path, prefix).resolve()
            where = f"{page.relative_to(site)} -> {href}"
            if not target.exists():
                problems.append(f"{where}: no such file")
            elif url.fragment and target.suffix == ".html" and unquote(url.fragment) not in parse(target).ids:
                problems.append(f"{where}: no anchor #{url.fragment} on {target.relative_to(site.resolve())}")
    return problems


def test_internal_links_and_anchors_resolve(built_site):
    from conftest import ROOT
    problems = broken_links(built_site, site_prefix(ROOT))
    assert not problems, "\n".join(problems)


def test_a_broken_link_or_anchor_is_reported(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<h2 id="here">x</h2><a href="a/">ok</a><a href="#here">ok</a>'
                                         '<a href="a/#gone">bad anchor</a><a href="b/">bad page</a>'
                                         '<a href="https://example.com/">external</a>')
    (tmp_path / "a" / "index.html").write_text('<h1 id="top">a</h1>')
    assert broken_links(tmp_path) == ["index.html -> a/#gone: no anchor #gone on a/index.html",
                                      "index.html -> b/: no such file"]
