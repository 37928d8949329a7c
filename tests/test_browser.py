"""The built site in a real browser: Playwright drives a system Chromium against the site
served on localhost (and the offline archive opened from file://). Every request a
page makes is recorded; one to another host fails the test. The served site is built by
MkDocs and by Zensical: the tests that take `server`, `sub_path_server` or `pages_site`
run on each, as do the translation notice's."""

from __future__ import annotations

import functools
import http.server
import io
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import BUILDS, LANGS, ROOT, build_site
from git_project import build, commit, edit, new_project
from playwright.sync_api import Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from report_fixture import write_report
from test_addresses import anchors_tool, move_containers_page, replace

from docmodel.page import ConsoleBlock, NotRunBlock, find_pages, read_page
from docmodel.snippets import SnippetStore
from macros.glossary import load as load_glossary
from provision.browser import ARGS, ensure_chromium

SCREENSHOTS = ROOT / "reports" / "screenshots"
expect.set_options(timeout=20_000)      # the whole suite runs these beside the engine's tests: a busy machine
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    """A local HTTP server that doesn't turn away a browser opening many connections at once on
    a busy machine (socketserver's default backlog is 5): a refused script would go unnoticed."""
    request_queue_size = 128


def serve(directory: Path) -> tuple[str, Server]:
    """`directory` served on a spare local port: (its address, the server to shut down)."""
    httpd = Server(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd


@pytest.fixture(scope="module", params=list(BUILDS))
def served_site(request) -> Path:
    """The site as each generator builds it."""
    return request.getfixturevalue(BUILDS[request.param])


@pytest.fixture(scope="module")
def server(served_site):
    handler = functools.partial(QuietHandler, directory=str(served_site))
    httpd = Server(("127.0.0.1", 0), handler)
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


def elsewhere(urls: list[str]) -> list[str]:
    return [u for u in urls if urlparse(u).scheme not in ("data", "blob", "about", "file")
            and urlparse(u).hostname not in LOCAL_HOSTS]


@pytest.fixture
def new_page(browser):
    """Pages in contexts of their own (JavaScript off, a colour scheme, a phone's width...);
    every request is recorded and one to another host fails the test."""
    contexts, made = [], []

    def open_page(**options) -> Page:
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, "locale": "ko-KR",
                                         **options})
        contexts.append(context)
        context.on("request", lambda r: made.append(r.url))
        return context.new_page()
    yield open_page
    for context in contexts:
        context.close()
    assert not elsewhere(made), "requests to other hosts:\n" + "\n".join(elsewhere(made))


class SubPathHandler(QuietHandler):
    """Serves the site under /some/base/path/ (as GitHub Pages serves a project under /<repo>/)."""
    PREFIX = "/some/base/path/"

    def translate_path(self, path):
        if not path.startswith(self.PREFIX):
            return "/nonexistent/"
        return super().translate_path("/" + path[len(self.PREFIX):])


@pytest.fixture(scope="module")
def sub_path_server(served_site):
    httpd = Server(("127.0.0.1", 0), functools.partial(SubPathHandler,
                                                                                 directory=str(served_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{SubPathHandler.PREFIX}"
    httpd.shutdown()


@pytest.fixture
def page(browser, requests_made) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    pg.on("request", lambda r: requests_made.append(r.url))
    yield pg
    context.close()
    assert not elsewhere(requests_made), "requests to other hosts:\n" + "\n".join(elsewhere(requests_made))


def search(page: Page, query: str, none_found_after: float | None = None) -> list[str]:
    """Type into the site's search and return the paths of the result pages: Material's search
    box, or Zensical's search dialog (a button opens it; Playwright's locators enter its shadow DOM).
    With `none_found_after` (seconds), no result by then is an empty list rather than a failure."""
    if page.locator(".md-search__button").count():                       # Zensical
        page.locator(".md-search__button").click()
        box = page.locator("dialog input[role=combobox]")
        results = "dialog [role=listbox] a[role=option]"
    else:
        box = page.locator("input.md-search__input")
        box.click()
        results = ".md-search-result__item > .md-search-result__link"
    box.fill(query)
    page.keyboard.press("End")        # Material searches on keyup; filling Hangul fires none
    try:
        page.locator(results).first.wait_for(timeout=1000 * (none_found_after or 10))
    except PlaywrightTimeout:
        if none_found_after is None:
            raise
        return []
    hrefs = page.locator(results).evaluate_all("links => links.map(a => a.href)")
    return [urlparse(h).path for h in hrefs]


def switch_language(page: Page, lang: str) -> None:
    page.locator(".md-header__option .md-select").first.hover()
    page.locator(f".md-select__link[hreflang={lang}]").click()
    page.wait_for_load_state("load")


def open_language_in_new_tab(page: Page, lang: str) -> Page:
    """Middle-click the language link: the browser follows its href, no script navigates."""
    page.locator(".md-header__option .md-select").first.hover()
    with page.context.expect_page() as opened:
        page.locator(f".md-select__link[hreflang={lang}]").click(button="middle")
    tab = opened.value
    tab.wait_for_load_state("load")
    return tab


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


def test_language_links_work_without_javascript(new_page, server):
    page = new_page(java_script_enabled=False)
    page.goto(f"{server}/containers/#lifecycle")
    switch_language(page, "en")
    assert page.url == f"{server}/en/containers/"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch_language(page, "ko")
    assert page.url == f"{server}/containers/"
    page.goto(f"{server}/en/")
    switch_language(page, "ko")
    assert page.url == f"{server}/"


def test_a_language_link_opened_in_a_new_tab_keeps_page_and_anchor(page, server):
    page.goto(f"{server}/containers/#lifecycle")
    tab = open_language_in_new_tab(page, "en")
    assert tab.url == f"{server}/en/containers/#lifecycle"
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    tab.wait_for_function("() => window.scrollY > 0")
    assert heading_in_view(tab, "lifecycle")
    back = open_language_in_new_tab(tab, "ko")
    assert back.url == f"{server}/containers/#lifecycle"


def test_language_links_work_under_another_base_path(new_page, sub_path_server):
    page = new_page()
    for start, lang, expected in (("en/containers/", "ko", "containers/"), ("containers/", "en", "en/containers/"),
                                  ("", "en", "en/"), ("en/", "ko", "")):
        page.goto(sub_path_server + start)
        expect(page.locator("h1").first).to_be_visible()
        tab = open_language_in_new_tab(page, lang)
        assert tab.url == sub_path_server + expected
        expect(tab.locator("html")).to_have_attribute("lang", lang)
        tab.close()


def test_no_request_fails_and_no_sitemap_is_looked_up_per_page(new_page, server):
    """Material fetches a sitemap.xml next to each <link rel="alternate">; per-page links
    would make that a 404 on every page (language-switch.js takes them out first)."""
    page = new_page()
    responses = []
    page.on("response", lambda r: responses.append((r.status, r.url)))
    for path in ("/", "/containers/", "/en/", "/en/containers/"):
        page.goto(f"{server}{path}")
        page.wait_for_load_state("networkidle")
    assert len(responses) > 8
    assert [r for r in responses if r[0] >= 400] == []
    assert [u for _s, u in responses if u.endswith("/containers/sitemap.xml")] == []


def expect_scheme(page: Page, value: str) -> None:
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", value)


def palette_toggle(page: Page):
    return page.locator("form[data-md-component=palette] label:not([hidden])")


def test_the_palette_follows_the_system_setting(new_page, server):
    dark = new_page(color_scheme="dark")
    dark.goto(f"{server}/containers/")
    expect_scheme(dark, "slate")
    light = new_page(color_scheme="light")
    light.goto(f"{server}/en/containers/")
    expect_scheme(light, "default")


def test_the_palette_toggle_is_kept_across_pages_and_languages(new_page, server):
    page = new_page(color_scheme="light")
    page.goto(f"{server}/containers/")
    expect(palette_toggle(page)).to_have_attribute("title", "밝은 화면으로 바꾸기")   # following the system
    palette_toggle(page).click()
    expect(palette_toggle(page)).to_have_attribute("title", "어두운 화면으로 바꾸기")
    palette_toggle(page).click()
    expect_scheme(page, "slate")                       # chosen by hand, against the system's light
    page.goto(f"{server}/images/")
    expect_scheme(page, "slate")
    switch_language(page, "en")
    assert page.url == f"{server}/en/images/"
    expect_scheme(page, "slate")                       # the English site keeps the reader's choice
    expect(palette_toggle(page)).to_have_attribute("title", "Switch to system preference")


def luminance(css_colour: str) -> float:
    """Of a computed `rgb(r, g, b)` / `rgba(...)` colour, 0 (black) to 1 (white)."""
    r, g, b = (float(v) for v in re.findall(r"[\d.]+", css_colour)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_diagrams_sit_on_a_light_card_in_dark_mode(new_page, server):
    page = new_page(color_scheme="dark")
    page.goto(f"{server}/containers/")
    diagram = page.locator("img.kb-diagram").first
    diagram.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=diagram.element_handle())
    page_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    card_bg = diagram.evaluate("img => getComputedStyle(img).backgroundColor")
    assert luminance(page_bg) < 0.3, page_bg
    assert luminance(card_bg) > 0.9, card_bg
    assert "invert" not in diagram.evaluate("img => getComputedStyle(img).filter")


HANGUL_LINE_BREAKS = """() => {
  // Where each line of the page's Korean paragraphs starts: [previous char, first char].
  const hangul = /[\\uac00-\\ud7a3]/, breaks = [];
  let lines = 0;
  for (const block of document.querySelectorAll("article.md-content__inner > p, article.md-content__inner li")) {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    let previous = null, top = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest("code, pre")) continue;
      for (let i = 0; i < node.data.length; i++) {
        const range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect || !node.data[i].trim()) { previous = node.data[i]; continue; }
        if (top !== null && rect.top > top + 2) {
          lines++;
          breaks.push([previous, node.data[i]]);
        }
        top = rect.top; previous = node.data[i];
      }
    }
  }
  return {lines, inside: breaks.filter(([a, b]) => hangul.test(a) && hangul.test(b)).map(p => p.join(""))};
}"""


def test_korean_text_breaks_between_words(new_page, server):
    page = new_page(viewport={"width": 390, "height": 844})       # a phone: many short lines
    page.goto(f"{server}/containers/")
    assert page.locator("article p").first.evaluate("p => getComputedStyle(p).wordBreak") == "keep-all"
    found = page.evaluate(HANGUL_LINE_BREAKS)
    assert found["lines"] > 30, "the test needs wrapped Korean text"
    assert found["inside"] == [], f"lines broken inside Korean words: {found['inside']}"
    long_token = page.evaluate("""() => {
        const p = document.createElement("p");
        p.textContent = "아주 긴 주소도 줄을 넘치지 않습니다: " + "registry.example.com/".repeat(20);
        document.querySelector("article.md-content__inner").append(p);
        return [p.scrollWidth, p.clientWidth]; }""")
    assert long_token[0] <= long_token[1], f"a long token overflows its line: {long_token}"


def test_selecting_a_transcript_by_hand_leaves_out_the_prompts(page, server):
    page.goto(f"{server}/containers/")
    block = page.locator(".language-console.highlight pre").nth(1)
    block.scroll_into_view_if_needed()
    box = block.bounding_box()
    # drag from the end of the block back to its first line, as a reader selects
    page.mouse.move(box["x"] + box["width"] - 10, box["y"] + box["height"] - 5)
    page.mouse.down()
    page.mouse.move(box["x"] + 3, box["y"] + 8, steps=10)
    page.mouse.up()
    page.keyboard.press("Control+c")
    copied = page.evaluate("navigator.clipboard.readText()")
    shown = block.locator("code").inner_text().splitlines()
    assert shown[0].startswith("$ ") and len(shown) >= 2
    assert copied.strip() == "\n".join(line.removeprefix("$ ") for line in shown).strip()
    assert "$ " not in copied


class PagesHandler(QuietHandler):
    """Serves the site as GitHub Pages serves a project: under /docker-kb/, and the site's
    top-level 404.html, with status 404, for any address that has no file."""
    PREFIX = "/docker-kb/"

    def send_head(self):
        path = urlparse(self.path).path
        target = Path(self.translate_path(path[len(self.PREFIX) - 1:])) if path.startswith(self.PREFIX) else None
        if target is not None and (target.is_file() or (target / "index.html").is_file()):
            self.path = self.path[len(self.PREFIX) - 1:]
            return super().send_head()
        page = Path(self.directory, "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        return io.BytesIO(page)


@pytest.fixture(scope="module", params=list(BUILDS))
def pages_site(request, tmp_path_factory):
    """The site built (by each generator) for its published address (SITE_URL, REPO_URL set)
    and served there."""
    httpd = Server(("127.0.0.1", 0), QuietHandler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}{PagesHandler.PREFIX}"
    site = tmp_path_factory.mktemp("published") / "site"
    done = build_site(request.param, site, env={"SITE_URL": base, "REPO_URL": "https://github.com/example/docker-kb",
                                                "DOCKER_KB_REPORT": str(site.parent / "none.json")})
    assert done.returncode == 0, done.stdout + done.stderr
    httpd.RequestHandlerClass = functools.partial(PagesHandler, directory=str(site))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield base
    httpd.shutdown()


def test_the_repository_link_asks_no_other_host(new_page, pages_site):
    """Material's header widget would ask api.github.com for stars and forks (new_page fails on that)."""
    page = new_page()
    page.goto(f"{pages_site}containers/")
    page.wait_for_load_state("networkidle")
    repository = page.locator(".md-header a.md-source")
    expect(repository).to_have_attribute("href", "https://github.com/example/docker-kb")
    expect(repository).to_contain_text("example/docker-kb")
    expect(page.locator("a.md-content__button[rel=edit]")).to_have_attribute(
        "href", "https://github.com/example/docker-kb/edit/main/docs/ko/containers.md")
    page.goto(f"{pages_site}en/containers/")
    expect(page.locator("a.md-content__button[rel=edit]")).to_have_attribute(
        "href", "https://github.com/example/docker-kb/edit/main/docs/en/containers.md")


@pytest.mark.parametrize("missing", ["containers/no-such-section/", "en/no-such-page/"])
def test_a_missing_address_gets_the_korean_404_with_a_way_to_the_english_pages(new_page, pages_site, missing):
    page = new_page(java_script_enabled=False)
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    response = page.goto(f"{pages_site}{missing}")
    assert response.status == 404
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("article h1")).to_have_text("404 - 페이지를 찾을 수 없습니다")
    # served at the missing address, the page still has its stylesheets (absolute addresses)
    assert page.locator("header.md-header").evaluate("h => getComputedStyle(h).position") == "sticky"
    assert not failed, failed
    english = page.locator('p[lang=en] a[hreflang=en]')
    expect(english).to_have_attribute("href", urlparse(pages_site).path + "en/")
    english.click()
    page.wait_for_load_state("load")
    assert page.url == f"{pages_site}en/"
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_translation_notice_appears_and_goes_as_the_commits_say(new_page, project, generator):
    """A real git repository (test_translation_status's project): the English page shows the
    notice once its Korean original changes, links to it, and loses it once it catches up."""
    project = project()
    built = build(project, generator)
    httpd = Server(("127.0.0.1", 0), functools.partial(QuietHandler,
                                                                                 directory=str(built.site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    english = f"http://127.0.0.1:{httpd.server_address[1]}/en/containers/"
    try:
        page = new_page(locale="en-US")
        page.goto(english)
        expect(page.locator("article h1#containers")).to_contain_text("Containers")
        expect(page.locator(".translation-behind")).to_have_count(0)

        edit(project, "ko", "실행한 뒤에는 지웁니다.", "실행한 뒤에는 `docker rm`으로 지웁니다.")
        commit(project, "2026-02-03T12:00:00+00:00", "ko: how to remove")
        build(project, generator)
        page.goto(english)
        notice = page.locator(".translation-behind")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("The Korean original of this page changed on 2026-02-03")
        assert notice.evaluate("n => n.getBoundingClientRect().top") < page.locator("h1").evaluate(
            "h => h.getBoundingClientRect().bottom") + 200, "the notice is at the top of the page"
        diff = notice.locator("details.translation-diff pre")
        expect(diff).to_be_hidden()                       # folded: for the translator
        notice.locator("details.translation-diff summary").click()
        expect(diff).to_be_visible()
        expect(diff).to_contain_text("+실행한 뒤에는 `docker rm`으로 지웁니다.")
        notice.locator("a[hreflang=ko]").click()
        page.wait_for_load_state("load")
        assert urlparse(page.url).path == "/containers/"
        expect(page.locator("html")).to_have_attribute("lang", "ko")
        expect(page.locator(".translation-behind")).to_have_count(0)

        edit(project, "en", "Remove it when you are done.", "Remove it with `docker rm` when you are done.")
        commit(project, "2026-02-20T08:00:00+00:00", "en: how to remove")
        build(project, generator)
        page.goto(english)
        expect(page.locator("article h1#containers")).to_contain_text("Containers")
        expect(page.locator(".translation-behind")).to_have_count(0)
    finally:
        httpd.shutdown()


def screenshot_name(request, name: str) -> str:
    """The MkDocs build's screenshots keep their names; the Zensical build's say so."""
    built_by = request.node.callspec.params.get("served_site", "mkdocs")
    return name if built_by == "mkdocs" else f"{name}-{built_by}"


def test_screenshots_in_light_and_dark(new_page, server, request):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for colours in ("light", "dark"):
        page = new_page(color_scheme=colours)
        for lang, path in (("ko", "/containers/"), ("en", "/en/containers/")):
            page.goto(f"{server}{path}")
            page.wait_for_load_state("networkidle")
            expect_scheme(page, "slate" if colours == "dark" else "default")
            target = SCREENSHOTS / f"{screenshot_name(request, f'{lang}-containers-{colours}')}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000


def test_screenshots(page, server, request):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path, name in (("/", "home-ko"), ("/en/", "home-en"), ("/dockerfile/", "dockerfile-ko")):
        page.goto(f"{server}{path}")
        page.wait_for_load_state("networkidle")
        target = SCREENSHOTS / f"{screenshot_name(request, name)}.png"
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
    tab = open_language_in_new_tab(page, "ko")
    assert tab.url == (archive / "containers.html").as_uri() + "#lifecycle"
    assert all(urlparse(u).scheme in ("file", "data", "blob", "about") for u in requests_made), requests_made


def test_offline_archive_language_links_work_without_javascript(new_page, archive):
    page = new_page(java_script_enabled=False)
    page.goto((archive / "en" / "images.html").as_uri())
    switch_language(page, "ko")
    assert page.url == (archive / "images.html").as_uri()
    expect(page.locator("html")).to_have_attribute("lang", "ko")


# --- the mark under every example (macros/marks.py) ---

MARKS = {
    "ko": {"both": "2026-12-05에 도커 엔진 20.10, 28.5에서 확인했습니다.",
           "failed": "2026-12-05부터 도커 엔진 28.5에서 실패하고 있습니다.",
           "one": "2026-12-05에 도커 엔진 20.10에서 확인했습니다.",
           "illustrative": "실행하지 않는 예입니다: "},
    "en": {"both": "checked on Engine 20.10 and 28.5, 2026-12-05",
           "failed": "failing since 2026-12-05 on Engine 28.5",
           "one": "checked on Engine 20.10, 2026-12-05",
           "illustrative": "not run: "},
}


@pytest.fixture(scope="module", params=list(BUILDS))
def marked_site(request, tmp_path_factory):
    """The site built (by each generator) with a test report on the docs as they are now: every
    example passed on both engines, but on containers.md the second one failed on 28.5 (and the
    ones after it were not run there)."""
    folder = tmp_path_factory.mktemp("marked")
    report = write_report(folder / "blocks.json", ROOT / "docs", ROOT / "snippets", {"containers.md": 1})
    done = build_site(request.param, folder / "site", env={"DOCKER_KB_REPORT": str(report)})
    assert done.returncode == 0, done.stdout + done.stderr
    base, httpd = serve(folder / "site")
    yield base, request.param
    httpd.shutdown()


def illustrated_page() -> tuple[str, str]:
    """(the first page with an illustrative block, as its path from a language's root; its reason)."""
    for source in find_pages(ROOT / "docs" / "ko"):
        page = read_page(source, ROOT / "docs", SnippetStore(ROOT / "snippets"))
        block = next((b for b in page.blocks if isinstance(b, NotRunBlock) and b.illustrative), None)
        if block is not None:
            return source.relative_to(ROOT / "docs" / "ko").with_suffix("").as_posix() + "/", block.reason
    raise AssertionError("no page has an illustrative block")


MARKS_UNDER_BLOCKS = """() => [...document.querySelectorAll("article .docrun-mark")].every(
    m => m.previousElementSibling && m.previousElementSibling.matches("div.highlight"))"""


@pytest.mark.parametrize("lang", LANGS)
def test_every_example_carries_its_mark_from_the_report(new_page, marked_site, lang):
    base, _built_by = marked_site
    root = "/" if lang == "ko" else "/en/"
    page = new_page()
    page.goto(f"{base}{root}containers/")
    marks = page.locator("article .docrun-mark")
    expect(marks).to_have_count(page.locator("article div.highlight").count())
    assert page.evaluate(MARKS_UNDER_BLOCKS), "each mark sits right under its code block"
    text = MARKS[lang]
    assert marks.evaluate_all("ms => ms.map(m => m.dataset.status)")[:3] == ["passed", "failed", "passed"]
    expect(marks.nth(0)).to_have_text(text["both"])
    expect(marks.nth(1)).to_have_text(text["failed"])
    expect(marks.nth(2)).to_have_text(text["one"])
    expect(marks.nth(0)).to_be_visible()
    body_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
    assert marks.nth(0).evaluate("m => parseFloat(getComputedStyle(m).fontSize)") < body_size, "a small mark"

    path, reason = illustrated_page()
    page.goto(f"{base}{root}{path}")
    illustrative = page.locator("article .docrun-mark[data-status=illustrative]").first
    expect(illustrative).to_have_text(text["illustrative"] + reason)


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of computed colours (`rgb(...)` / `rgba(...)`; fg blended over bg)."""
    def channels(css):
        values = [float(v) for v in re.findall(r"[\d.]+", css)]
        return values[:3], (values[3] if len(values) > 3 else 1.0)
    (back, _), (front, alpha) = channels(bg), channels(fg)
    blended = [alpha * f + (1 - alpha) * b for f, b in zip(front, back, strict=True)]

    def lum(rgb):
        lin = [(c / 255 / 12.92) if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    light, dark = sorted((lum(blended), lum(back)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_marks_are_readable_in_light_and_dark(new_page, marked_site, request):
    base, built_by = marked_site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for colours in ("light", "dark"):
        page = new_page(color_scheme=colours)
        for lang, root in (("ko", "/"), ("en", "/en/")):
            page.goto(f"{base}{root}containers/")
            expect_scheme(page, "slate" if colours == "dark" else "default")
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            for status in ("passed", "failed"):
                mark = page.locator(f"article .docrun-mark[data-status={status}]").first
                ratio = contrast(mark.evaluate("m => getComputedStyle(m).color"), background)
                assert ratio >= 4.5, f"{lang}, {colours}: a {status} mark's contrast is {ratio:.2f}"
            failed = page.locator("article .docrun-mark[data-status=failed]").first
            failed.scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -window.innerHeight / 3)")
            suffix = "" if built_by == "mkdocs" else f"-{built_by}"
            target = SCREENSHOTS / f"marks-{lang}-{colours}{suffix}.png"
            page.screenshot(path=str(target))
            assert target.stat().st_size > 10_000


# --- Korean search that knows the glossary (macros/synonyms.py) ---

def article_text(html: Path) -> str:
    text = html.read_text(encoding="utf-8")
    article = text[text.find("<article"):text.find("</article>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article)).lower()


def page_texts(site: Path, lang: str) -> dict[str, str]:
    """Each page of one language's site (its path) -> the text of its article, in lower case."""
    root = site if lang == "ko" else site / lang
    prefix = "/" if lang == "ko" else "/en/"
    return {f"{prefix}{html.parent.name}/": article_text(html) for html in root.glob("*/index.html")
            if html.parent.name not in ("glossary", "en", "assets", "search")}


def typed_otherwise(site: Path, lang: str, way: str) -> list[tuple[str, str]]:
    """(a glossary term as a reader may type it, a page of `lang` that has the term only as this
    site spells it), terms on few pages first (so the page is among the first results):

    - "english": on the Korean site, the English term in the plural ("volumes") or without its
      hyphens ("multistage build"); a Korean page gives the English, as the glossary spells it,
      in parentheses at its first use;
    - "korean": on the English site, the Korean term;
    - "spacing": on the Korean site, a Korean term of several words typed without spaces (바인드마운트).
    """
    texts = page_texts(site, lang)
    candidates = []
    for term in load_glossary(ROOT / "docs" / "glossary.yml"):
        own = term.ko if lang == "ko" else term.en
        if way == "english" and re.fullmatch(r"[a-z]+[^s]", term.en) and not term.en.endswith("ing"):
            query = term.en + "s"
        elif way == "english" and "-" in term.en:
            query = term.en.replace("-", "")
        elif way == "korean" and term.ko != term.en:
            query = term.ko
        elif way == "spacing" and " " in term.ko and re.search(r"[가-힣]", term.ko):
            query = term.ko.replace(" ", "")
        else:
            continue
        having = [path for path, text in texts.items() if own.lower() in text]
        only = [path for path in having if query.lower() not in texts[path]]
        if only:
            candidates.append((len(having), query, only[0]))
    return [(query, path) for _count, query, path in sorted(candidates)]


@pytest.mark.parametrize("query", ["도커파일", "도커 파일"])
def test_korean_spellings_of_dockerfile_find_the_dockerfile_pages(page, server, query):
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(f"{server}/")
    page.wait_for_load_state("networkidle")
    assert not failed, f"requests failed: {failed}"
    paths = search(page, query)
    assert "/dockerfile/" in paths[:3], paths
    assert not any(p.startswith("/en/") for p in paths), paths


@pytest.mark.parametrize("lang, way", [("ko", "english"), ("en", "korean"), ("ko", "spacing")])
def test_a_term_typed_otherwise_finds_the_pages_that_use_the_sites_spelling(new_page, served_site, server, lang, way):
    """An English term on the Korean site ("volumes", "multistage build") finds the Korean pages
    (볼륨, 멀티 스테이지 빌드), a Korean one on the English site the English pages, a Korean term typed
    without its spaces the pages that write it with them. The first such term whose page the
    search can't find without the synonyms (their script blocked) is the one tried with them."""
    home = "/" if lang == "ko" else "/en/"
    without = new_page()
    without.route("**/search-synonyms.js", lambda route: route.abort())
    page = new_page()
    for query, expected in typed_otherwise(served_site, lang, way)[:8]:
        without.goto(f"{server}{home}")
        if expected in search(without, query, none_found_after=5):
            continue                  # found anyway (the search's own stemming): proves nothing
        page.goto(f"{server}{home}")
        paths = search(page, query)
        assert expected in paths, f"{query!r} on the {lang} site: {paths}"
        assert all(p.startswith("/en/") for p in paths) == (lang == "en"), paths
        return
    raise AssertionError(f"no glossary term typed that way ({way}) whose {lang} page only the synonyms find: "
                         "the test proves nothing")


def test_offline_archive_search_knows_the_korean_spellings(page, archive, requests_made):
    for query in ("도커파일", "도커 파일"):
        page.goto((archive / "index.html").as_uri())
        paths = search(page, query)
        assert any(p.endswith("/dockerfile.html") for p in paths[:3]), (query, paths)
    assert all(urlparse(u).scheme in ("file", "data", "blob", "about") for u in requests_made), requests_made


# --- old addresses land on the new place (macros/addresses.py) ---

def moved_project(folder: Path) -> Path:
    """A small project whose pages and anchors were recorded, then containers.md became
    lifecycle.md (its #run now #start) and the home page's #home became #welcome, all declared."""
    project = new_project(folder)
    assert anchors_tool(project, "--update").returncode == 0
    move_containers_page(project)
    replace(project, "index.md", "{ #home }", "{ #welcome }")
    (project / "docs" / "redirects.yml").write_text(
        "containers.md: lifecycle.md\ncontainers.md#run: lifecycle.md#start\nindex.md#home: index.md#welcome\n",
        encoding="utf-8")
    return project


@pytest.fixture(scope="module", params=list(BUILDS))
def moved_site(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("moved")
    project = moved_project(folder)
    done = build_site(request.param, folder / "site", project=project,
                      env={"PYTHONPATH": str(ROOT), "DOCKER_KB_REPORT": str(folder / "none.json")})
    assert done.returncode == 0, done.stdout + done.stderr
    base, httpd = serve(folder / "site")
    yield base
    httpd.shutdown()


@pytest.mark.parametrize("old, new", [
    ("containers/#run", "lifecycle/#start"),
    ("containers/", "lifecycle/"),
    ("containers/#containers", "lifecycle/#containers"),
    ("#home", "#welcome"),
    ("en/containers/#run", "en/lifecycle/#start"),
    ("en/#home", "en/#welcome"),
])
def test_an_old_address_lands_on_the_new_place(new_page, moved_site, old, new):
    page = new_page()
    page.goto(f"{moved_site}/{old}")
    expect(page).to_have_url(f"{moved_site}/{new}")        # a new page, or only a new anchor on this one
    anchor = urlparse(page.url).fragment
    if anchor:
        expect(page.locator(f"article [id='{anchor}']")).to_have_count(1)


def test_an_old_page_address_lands_on_the_new_page_without_javascript(new_page, moved_site):
    page = new_page(java_script_enabled=False)
    page.goto(f"{moved_site}/containers/")
    page.wait_for_url(f"{moved_site}/lifecycle/")
    expect(page.locator("article h1#containers")).to_have_count(1)


def test_an_old_address_lands_on_the_new_place_from_the_file_system(new_page, tmp_path):
    """The build ./kb archive makes (OFFLINE=true: .html files), opened from file://."""
    project = moved_project(tmp_path)
    site = tmp_path / "offline"
    done = build_site("mkdocs", site, project=project, env={"OFFLINE": "true", "PYTHONPATH": str(ROOT),
                                                     "DOCKER_KB_REPORT": str(tmp_path / "none.json")})
    assert done.returncode == 0, done.stdout + done.stderr
    page = new_page()
    for old, new in (("containers.html#run", "lifecycle.html#start"), ("containers.html", "lifecycle.html"),
                     ("index.html#home", "index.html#welcome"), ("en/containers.html#run", "en/lifecycle.html#start")):
        page.goto((site / old.split("#")[0]).as_uri() + ("#" + old.split("#")[1] if "#" in old else ""))
        target = (site / new.split("#")[0]).as_uri() + ("#" + new.split("#")[1] if "#" in new else "")
        expect(page).to_have_url(target)
        anchor = urlparse(page.url).fragment
        if anchor:
            expect(page.locator(f"article [id='{anchor}']")).to_have_count(1)
