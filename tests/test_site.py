"""The built site: strict build, both languages, offline (no request to another host)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

from conftest import LANGS, ROOT, pages


class Resources(HTMLParser):
    """Every URL an HTML page makes the browser load (not links it merely shows)."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed", "track") and a.get("src"):
            self.loads.append(a["src"])
        if tag == "link" and a.get("href") and set((a.get("rel") or "").split()) & {
                "stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch", "manifest",
                "modulepreload", "apple-touch-icon"}:
            self.loads.append(a["href"])
        if tag == "object" and a.get("data"):
            self.loads.append(a["data"])
        for value in (a.get("srcset") or "").split(","):
            if value.strip():
                self.loads.append(value.split()[0])
        if a.get("style"):
            self.loads.extend(re.findall(r"url\(['\"]?([^)'\"]+)", a["style"]))


def external(url: str) -> bool:
    parsed = urlparse(url)
    return bool(parsed.netloc) or parsed.scheme not in ("", "data")


def test_both_languages_are_built(built_site: Path):
    for lang in LANGS:
        root = built_site if lang == "ko" else built_site / lang
        for page in pages(lang):
            rel = page.relative_to(ROOT / "docs" / lang).with_suffix("")
            html = root / ("index.html" if rel.name == "index" else f"{rel}/index.html")
            assert html.is_file(), f"{page} was not built to {html}"
        assert (root / "search" / "search_index.json").is_file(), f"{lang}: no search index of its own"
    assert '<html lang="ko"' in (built_site / "index.html").read_text()
    assert '<html lang="en"' in (built_site / "en" / "index.html").read_text()


def test_no_page_loads_anything_from_another_host(built_site: Path):
    offenders = []
    for html in built_site.rglob("*.html"):
        parser = Resources()
        parser.feed(html.read_text(encoding="utf-8"))
        offenders += [f"{html.relative_to(built_site)}: {u}" for u in parser.loads if external(u)]
    assert not offenders, "external resources:\n" + "\n".join(offenders)
    assert len(list(built_site.rglob("*.html"))) > 10


def test_stylesheets_and_svgs_load_nothing_from_another_host(built_site: Path):
    offenders = []
    for f in [*built_site.rglob("*.css"), *built_site.rglob("*.svg")]:
        text = f.read_text(encoding="utf-8", errors="replace")
        urls = re.findall(r"url\(\s*['\"]?([^)'\"]+)", text) + re.findall(r"@import\s+['\"]([^'\"]+)", text)
        if f.suffix == ".svg":
            urls += re.findall(r"(?:xlink:)?href=\"([^\"#][^\"]*)\"", text)
        offenders += [f"{f.relative_to(built_site)}: {u}" for u in urls if external(u)]
    assert not offenders, "\n".join(offenders)


def test_scripts_request_no_other_host(built_site: Path):
    """Material loads nothing by itself; our own scripts must not either."""
    for js in (built_site / "assets" / "javascripts").glob("*.js"):
        text = js.read_text(encoding="utf-8")
        assert not re.search(r"""fetch\(\s*['"]https?://|https?://(?!www\.w3\.org)[\w.-]+/[\w./-]*\.(?:js|css|woff2?)""",
                             text), js
