"""The built site: strict build, both languages, offline (no request to another host).
The site as MkDocs builds it and as Zensical builds it (`any_site`) must both hold."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse
from xml.etree import ElementTree

import pytest
from conftest import LANGS, ROOT, build_site, pages


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    """The build ./kb archive makes: OFFLINE=true, links to .html files, for file://."""
    site = tmp_path_factory.mktemp("offline") / "site"
    done = build_site("mkdocs", site, env={"OFFLINE": "true", "DOCKER_KB_REPORT": str(site.parent / "none.json")})
    assert done.returncode == 0, done.stdout + done.stderr
    return site


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


# Each generator's search index: every language has one of its own.
SEARCH_INDEXES = ("search/search_index.json", "search.json")


def test_both_languages_are_built(any_site: Path):
    for lang in LANGS:
        root = any_site if lang == "ko" else any_site / lang
        for page in pages(lang):
            rel = page.relative_to(ROOT / "docs" / lang).with_suffix("")
            html = root / ("index.html" if rel.name == "index" else f"{rel}/index.html")
            assert html.is_file(), f"{page} was not built to {html}"
        assert any((root / index).is_file() for index in SEARCH_INDEXES), f"{lang}: no search index of its own"
    assert '<html lang="ko"' in (any_site / "index.html").read_text()
    assert '<html lang="en"' in (any_site / "en" / "index.html").read_text()


def loads_from_other_hosts(site: Path) -> list[str]:
    """What the site's pages, stylesheets and SVGs would make a browser load from another host."""
    offenders = []
    for html in site.rglob("*.html"):
        parser = Resources()
        parser.feed(html.read_text(encoding="utf-8"))
        offenders += [f"{html.relative_to(site)}: {u}" for u in parser.loads if external(u)]
    for f in [*site.rglob("*.css"), *site.rglob("*.svg")]:
        text = f.read_text(encoding="utf-8", errors="replace")
        urls = re.findall(r"url\(\s*['\"]?([^)'\"]+)", text) + re.findall(r"@import\s+['\"]([^'\"]+)", text)
        if f.suffix == ".svg":
            urls += re.findall(r"(?:xlink:)?href=\"([^\"#][^\"]*)\"", text)
        offenders += [f"{f.relative_to(site)}: {u}" for u in urls if external(u)]
    return offenders


def test_nothing_is_loaded_from_another_host(any_site: Path):
    offenders = loads_from_other_hosts(any_site)
    assert not offenders, "external resources:\n" + "\n".join(offenders)
    assert len(list(any_site.rglob("*.html"))) > 10


def test_scripts_request_no_other_host(any_site: Path):
    """Material loads nothing by itself; our own scripts must not either."""
    for js in (any_site / "assets" / "javascripts").glob("*.js"):
        text = js.read_text(encoding="utf-8")
        assert not re.search(r"""fetch\(\s*['"]https?://|https?://(?!www\.w3\.org)[\w.-]+/[\w./-]*\.(?:js|css|woff2?)""",
                             text), js


class LanguageLinks(HTMLParser):
    """The language menu's links and the <link rel="alternate" hreflang> tags of a page."""

    def __init__(self):
        super().__init__()
        self.menu: dict[str, str] = {}
        self.head: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "md-select__link" in (a.get("class") or "").split() and a.get("hreflang"):
            self.menu[a["hreflang"]] = a["href"]
        if tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            assert a["hreflang"] not in self.head, f"two <link rel=alternate hreflang={a['hreflang']}>"
            self.head[a["hreflang"]] = a["href"]


def language_links(html: Path) -> LanguageLinks:
    parser = LanguageLinks()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser


SITE_URL = "https://example.github.io/docker-kb/"      # mkdocs.yml's default


def local_file(site: Path, url: str) -> Path:
    """The built file an absolute address of the site (SITE_URL) stands for."""
    assert url.startswith(SITE_URL), f"{url} is not an absolute address of the site"
    target = (site / url[len(SITE_URL):]).resolve()
    return target / "index.html" if target.is_dir() else target


def built_page(site: Path, lang: str, rel: Path, directory_urls: bool = True) -> Path:
    """Where a docs page (docs/<lang>/<rel>.md) is built."""
    root = site if lang == "ko" else site / lang
    stem = rel.with_suffix("")
    if not directory_urls:
        return root / stem.with_suffix(".html")
    return root / ("index.html" if stem.name == "index" else f"{stem}/index.html")


def resolve(html: Path, href: str) -> Path:
    """The file a relative href on `html` leads to, as a browser (or a static server) finds it."""
    assert not urlparse(href).scheme and not href.startswith("/"), f"{html}: {href} is not relative"
    target = (html.parent / urlparse(href).path).resolve()
    return target / "index.html" if target.is_dir() else target


def assert_language_links_lead_to_counterparts(site: Path, directory_urls: bool = True):
    checked = 0
    for lang in LANGS:
        for source in pages(lang):
            rel = source.relative_to(ROOT / "docs" / lang)
            html = built_page(site, lang, rel, directory_urls)
            links = language_links(html)
            for other in LANGS:
                if (ROOT / "docs" / other / rel).is_file():
                    expected = built_page(site, other, rel, directory_urls).resolve()
                else:      # not translated yet: that language's home page
                    expected = built_page(site, other, Path("index.md"), directory_urls).resolve()
                assert other in links.menu, f"{html}: no menu link to {other}"
                assert resolve(html, links.menu[other]) == expected, \
                    f"{html.relative_to(site)}: menu link to {other} is {links.menu[other]!r}, not {expected}"
                checked += 1
            head = {lang: local_file(site, href) for lang, href in links.head.items()}
            translated = [other for other in LANGS if (ROOT / "docs" / other / rel).is_file()]
            expected_head = {other: built_page(site, other, rel, directory_urls).resolve() for other in translated}
            if len(translated) > 1:
                expected_head["x-default"] = expected_head[LANGS[0]]
            else:
                expected_head = {}
            assert head == expected_head, f"{html.relative_to(site)}: <link rel=alternate> {links.head}"
    assert checked >= 2 * 2 * 10


def test_hreflang_addresses_are_absolute_with_x_default_at_the_korean_original(any_site: Path):
    """Search engines want absolute addresses: written whenever site_url is set (it always is here)."""
    for html in (any_site / "containers" / "index.html", any_site / "en" / "containers" / "index.html"):
        assert language_links(html).head == {"ko": f"{SITE_URL}containers/", "en": f"{SITE_URL}en/containers/",
                                             "x-default": f"{SITE_URL}containers/"}, html
    assert language_links(any_site / "en" / "index.html").head["x-default"] == SITE_URL


def test_language_links_lead_to_the_same_page_in_the_other_language(any_site: Path):
    """Written at build time, relative to the page: no script needed, any base path."""
    assert_language_links_lead_to_counterparts(any_site)
    # not the other language's home page, as Material's own configuration would give
    assert language_links(any_site / "containers" / "index.html").menu["en"] == "../en/containers/"
    assert language_links(any_site / "en" / "containers" / "index.html").menu["ko"] == "../../containers/"


def test_offline_build_links_html_files_of_the_other_language(offline_site: Path):
    assert_language_links_lead_to_counterparts(offline_site, directory_urls=False)
    assert language_links(offline_site / "containers.html").menu["en"] == "en/containers.html"
    assert language_links(offline_site / "en" / "containers.html").menu["ko"] == "../containers.html"


SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_both_sitemaps_list_each_pages_translation(any_site: Path):
    site_url = SITE_URL
    versions: dict[str, dict[str, str]] = {}
    for sitemap in (any_site / "sitemap.xml", any_site / "en" / "sitemap.xml"):
        for url in ElementTree.parse(sitemap).getroot().findall("s:url", SITEMAP_NS):
            loc = url.findtext("s:loc", namespaces=SITEMAP_NS).strip()
            alternates = {link.get("hreflang"): link.get("href")
                          for link in url.findall("x:link", SITEMAP_NS) if link.get("rel") == "alternate"}
            versions[loc] = alternates
    for lang in LANGS:
        for source in pages(lang):
            rel = source.relative_to(ROOT / "docs" / lang)
            stem = rel.with_suffix("").as_posix()
            page_url = (site_url + ("" if lang == "ko" else f"{lang}/")
                        + ("" if stem == "index" else f"{stem.removesuffix('/index')}/"))
            assert page_url in versions, f"{page_url} is not in the {lang} sitemap"
            alternates = versions[page_url]
            translated = {other for other in LANGS if (ROOT / "docs" / other / rel).is_file()}
            assert set(alternates) == (translated | {"x-default"} if len(translated) > 1 else set()), \
                f"{page_url}: {alternates}"
            if alternates:
                assert alternates["x-default"] == alternates[LANGS[0]], f"{page_url}: x-default is not the original"
            for href in alternates.values():
                assert versions[href] == alternates, f"{page_url} and {href} don't list each other"
                local = any_site / href[len(site_url):] / "index.html"
                assert local.is_file(), f"{page_url}: alternate {href} was not built"
    if (any_site / "sitemap.xml.gz").exists():        # MkDocs writes one; Zensical doesn't (announced)
        gz = gzip.decompress((any_site / "sitemap.xml.gz").read_bytes()).decode()
        assert 'hreflang="en"' in gz, "sitemap.xml.gz should match sitemap.xml"


def test_the_404_pages_speak_the_language_of_their_site(any_site: Path):
    ko = (any_site / "404.html").read_text(encoding="utf-8")
    en = (any_site / "en" / "404.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in ko and "<h1>404 - 페이지를 찾을 수 없습니다</h1>" in ko
    assert '<html lang="en"' in en and "<h1>404 - Page not found</h1>" in en
    assert "Not found" not in ko
    # GitHub Pages serves the top-level 404 for a missing address under en/ too, at that address
    assert re.search(r'<p lang="en" class="kb-other-language">The English pages start '
                     r'<a href="/docker-kb/en/" hreflang="en">here</a>\.</p>', ko)
    assert re.search(r'<p lang="ko" class="kb-other-language">한국어 페이지는 '
                     r'<a href="/docker-kb/" hreflang="ko">여기</a>에서 시작합니다\.</p>', en)


def test_no_repository_or_edit_links_without_REPO_URL(any_site: Path):
    html = (any_site / "containers" / "index.html").read_text(encoding="utf-8")
    assert 'class="md-source"' not in html and 'rel="edit"' not in html


def test_REPO_URL_adds_the_repository_and_an_edit_link_per_language(generator, tmp_path):
    site = tmp_path / "site"
    done = build_site(generator, site, env={"REPO_URL": "https://github.com/example/docker-kb",
                                            "DOCKER_KB_REPORT": str(tmp_path / "none.json")})
    assert done.returncode == 0, done.stderr
    for lang, html in (("ko", site / "containers" / "index.html"), ("en", site / "en" / "containers" / "index.html")):
        text = html.read_text(encoding="utf-8")
        assert re.search(r'<a href="https://github.com/example/docker-kb" title="[^"]+" class="md-source"', text)
        assert re.search(r'<div class="md-source__repository">\s*example/docker-kb\s*</div>', text)
        edit = re.search(r'<a href="([^"]+)" title="[^"]+" class="md-content__button md-icon" rel="edit"', text)
        assert edit and edit[1] == f"https://github.com/example/docker-kb/edit/main/docs/{lang}/containers.md"
        # Material would fetch stars and forks from api.github.com for this widget
        assert 'data-md-component="source"' not in text
