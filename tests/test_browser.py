"""The built site in a real browser: Playwright drives a system Chromium against the site
served on localhost (and the offline archive opened from file://). Every request a
page makes is recorded; one to another host fails the test."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from conftest import ROOT
from docrun.page import ConsoleBlock, read_page
from macros.snippets import SnippetStore
from provision.browser import ARGS, ensure_chromium

SCREENSHOTS = ROOT / "reports" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site):
    handler = functools.partial(QuietHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    executable = ensure_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def requests_made():
    return []


@pytest.fixture
def page(browser, requests_made) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    pg.on("request", lambda r: requests_made.append(r.url))
    yield pg
    context.close()
    elsewhere = [u for u in requests_made
                 if urlparse(u).scheme not in ("data", "blob", "about", "file")
                 and urlparse(u).hostname not in LOCAL_HOSTS]
    assert not elsewhere, "requests to other hosts:\n" + "\n".join(elsewhere)


def search(page: Page, query: str) -> list[str]:
    """Type into Material's search and return the paths of the result pages."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    page.keyboard.press("End")        # Material searches on keyup; filling Hangul fires none
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    hrefs = page.locator(".md-search-result__item > .md-search-result__link").evaluate_all(
        "links => links.map(a => a.href)")
    return [urlparse(h).path for h in hrefs]


def switch_language(page: Page, lang: str) -> None:
    page.locator(".md-header__option .md-select").first.hover()
    page.locator(f".md-select__link[hreflang={lang}]").click()
    page.wait_for_load_state("load")


def heading_in_view(page: Page, anchor: str) -> bool:
    return page.evaluate(f"""() => {{
        const r = document.getElementById({anchor!r}).getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight / 2 && window.scrollY > 0; }}""")


def test_korean_home_page_loads(page, server):
    page.goto(f"{server}/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("h1")).to_be_visible()
    nav = page.locator(".md-nav--primary a.md-nav__link[href]")
    assert nav.count() >= 11, "the navigation should list every page"
    expect(page.locator(".md-nav--primary a.md-nav__link[href$='containers/']").first).to_be_visible()


def test_language_switch_keeps_page_and_anchor(page, server):
    page.goto(f"{server}/containers/#lifecycle")
    switch_language(page, "en")
    assert page.url == f"{server}/en/containers/#lifecycle"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_function("() => window.scrollY > 0")
    assert heading_in_view(page, "lifecycle")
    switch_language(page, "ko")
    assert page.url == f"{server}/containers/#lifecycle"
    expect(page.locator("html")).to_have_attribute("lang", "ko")


@pytest.mark.parametrize("home, query, expected", [
    ("/", "컨테이너", "/containers/"),
    ("/", "이미지", "/images/"),
    ("/", "레이어", "/dockerfile/"),
    ("/", "레지스트리", "/deployment/"),
    ("/en/", "container", "/en/containers/"),
    ("/en/", "image", "/en/images/"),
    ("/en/", "layer", "/en/dockerfile/"),
    ("/en/", "registry", "/en/deployment/"),
])
def test_search_finds_pages_in_the_language_of_the_page(page, server, home, query, expected):
    page.goto(f"{server}{home}")
    paths = search(page, query)
    assert expected in paths, paths
    in_english = [p.startswith("/en/") for p in paths]
    assert all(in_english) if home == "/en/" else not any(in_english), paths


def test_copy_button_copies_commands_without_prompt_or_output(page, server):
    source = read_page(ROOT / "docs" / "ko" / "containers.md", ROOT / "docs", SnippetStore(ROOT / "snippets"))
    first = next(b for b in source.blocks if isinstance(b, ConsoleBlock) and not any(c.session for c in b.commands))
    expected = "\n".join(c.text for c in first.commands)
    page.goto(f"{server}/containers/")
    block = page.locator(".language-console.highlight").first
    block.hover()
    block.locator("button[data-md-type=copy], button.md-clipboard").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == expected
    assert "$ " not in copied


def test_a_wiki_deep_link_scrolls_to_its_heading(page, server):
    page.goto(f"{server}/en/containers/#lifecycle")
    page.wait_for_function("() => window.scrollY > 0")
    assert heading_in_view(page, "lifecycle")


def test_screenshots(page, server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path, name in (("/", "home-ko"), ("/en/", "home-en"), ("/dockerfile/", "dockerfile-ko")):
        page.goto(f"{server}{path}")
        page.wait_for_load_state("networkidle")
        target = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("archive") / "docker-kb-offline"
    done = subprocess.run([sys.executable, "-m", "tools.archive", str(target)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert target.with_suffix(".zip").is_file()
    return target


def test_offline_archive_opens_from_the_file_system_with_search(page, archive, requests_made):
    page.goto((archive / "index.html").as_uri())
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    paths = search(page, "컨테이너")
    assert any(p.endswith("/containers.html") for p in paths), paths
    page.goto((archive / "containers.html").as_uri() + "#lifecycle")
    switch_language(page, "en")
    assert page.url == (archive / "en" / "containers.html").as_uri() + "#lifecycle"
    assert all(urlparse(u).scheme in ("file", "data", "blob", "about") for u in requests_made), requests_made
