"""The site built by Zensical (`./kb build --zensical`) against the one MkDocs builds, from
the same sources and configuration: the same pages in both languages, every heading id of
the MkDocs build on the same page, snippets expanded, the same language links, nothing
asked of another host. And the Zensical build itself: an environment without MkDocs, what it
says it can't do (and the README lists), a failure that names file and line and leaves the
previous site, and `./kb serve --zensical` serving both languages and showing an edit.

test_site.py, test_macros.py, test_translation_status.py and test_browser.py run their
tests on both builds too.
"""

from __future__ import annotations

import html
import os
import re
import signal
import socket
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

from conftest import LANGS, ROOT, ZENSICAL_PYTHON, build_site, pages
from test_site import assert_language_links_lead_to_counterparts, language_links, loads_from_other_hosts

from docmodel.macrocalls import find_calls
from docmodel.snippets import SnippetStore
from kbutil import poll

NOT_PAGES = ("assets/", "search/", "en/", "404.html")


def built_pages(site: Path, lang: str) -> set[str]:
    """The pages of one language's site, as paths from its root (containers/index.html): not the
    redirect pages left where a page used to be (docs/redirects.yml)."""
    root = site if lang == "ko" else site / lang
    return {path.relative_to(root).as_posix() for path in root.rglob("*.html")
            if not path.relative_to(root).as_posix().startswith(NOT_PAGES)
            and '<meta name="kb-redirect"' not in path.read_text(encoding="utf-8")}


def test_both_builds_have_the_same_pages_in_both_languages(built_site, zensical_site):
    for lang in LANGS:
        mkdocs, zensical = built_pages(built_site, lang), built_pages(zensical_site, lang)
        assert mkdocs == zensical, f"{lang}: only MkDocs: {sorted(mkdocs - zensical)}, " \
                                   f"only Zensical: {sorted(zensical - mkdocs)}"
        assert len(mkdocs) == len(pages(lang)) > 10


class Ids(HTMLParser):
    """The ids of a page's headings (h1-h6)."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag) and dict(attrs).get("id"):
            self.ids.add(dict(attrs)["id"])


def heading_ids(page: Path) -> set[str]:
    parser = Ids()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.ids


def test_every_heading_id_of_the_mkdocs_build_is_on_the_same_page_built_by_zensical(built_site, zensical_site):
    """Wikis link to page#anchor: the anchors must hold whichever generator built the site."""
    missing, checked = [], 0
    for lang in LANGS:
        root = "" if lang == "ko" else f"{lang}/"
        for page in sorted(built_pages(built_site, lang)):
            expected = heading_ids(built_site / root / page)
            found = heading_ids(zensical_site / root / page)
            missing += [f"{root}{page}#{anchor}" for anchor in sorted(expected - found)]
            checked += len(expected)
    assert not missing, "heading ids missing from the Zensical build:\n" + "\n".join(missing)
    assert checked > 200


def page_text(page: Path) -> str:
    """The text of a built page (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def test_snippets_are_expanded_in_both_builds(built_site, zensical_site):
    store = SnippetStore(ROOT / "snippets")
    embedded = 0
    for site in (built_site, zensical_site):
        leftovers = [str(p.relative_to(site)) for p in site.rglob("*.html") if "{@" in p.read_text(encoding="utf-8")]
        assert not leftovers, f"{site.name}: macro calls left unrendered in {leftovers}"
        for lang in LANGS:
            for source in pages(lang):
                calls = [c for c in find_calls(source.read_text(encoding="utf-8"), str(source)) if c.name == "snippet"]
                if not calls:
                    continue
                rel = source.relative_to(ROOT / "docs" / lang).with_suffix("")
                built = (site if lang == "ko" else site / lang) / ("" if rel.name == "index" else rel) / "index.html"
                text = page_text(built)
                for call in calls:
                    commands = [line[2:] for line in store.load(call.args[0]).lines if line.startswith("$ ")]
                    assert commands and all(command in text for command in commands), \
                        f"{built}: snippet {call.args[0]!r} is not on the page"
                    embedded += 1
    assert embedded >= 4


def test_each_pages_language_links_are_the_same_in_both_builds(built_site, zensical_site):
    assert_language_links_lead_to_counterparts(zensical_site)
    for lang in LANGS:
        root = "" if lang == "ko" else f"{lang}/"
        for page in sorted(built_pages(built_site, lang)):
            mkdocs, zensical = language_links(built_site / root / page), language_links(zensical_site / root / page)
            assert (mkdocs.menu, mkdocs.head) == (zensical.menu, zensical.head), f"{root}{page}"


def test_neither_build_asks_another_host_for_anything(built_site, zensical_site):
    for site in (built_site, zensical_site):
        offenders = loads_from_other_hosts(site)
        assert not offenders, "external resources:\n" + "\n".join(offenders)


def announced(output: str) -> list[str]:
    return [line.removeprefix("kb: Zensical: ") for line in output.splitlines() if line.startswith("kb: Zensical: ")]


def test_the_zensical_build_says_what_it_cannot_do_and_the_readme_lists_it(zensical_run):
    _site, done = zensical_run
    limits = announced(done.stderr)
    assert limits, done.stderr
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for limit in limits:
        assert " ".join(limit.split()) in readme, f"the README doesn't list: {limit}"


EXCLUDE = (".venv", ".venv-zensical", ".git", "reports", "site", ".cache", ".pytest_cache", "docker-kb-offline",
           ".zensical-site", ".zensical-serve")


def fresh_copy(target: Path) -> Path:
    """The project's files as a fresh clone has them (no environments, no builds)."""
    target.mkdir()
    tar = subprocess.Popen(["tar", "-C", str(ROOT), *[f"--exclude=./{e}" for e in EXCLUDE], "--exclude=__pycache__",
                            "--exclude=./.zensical-*", "-c", "."], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-C", str(target), "-x"], stdin=tar.stdout, check=True)
    tar.wait()
    return target


def test_kb_build_zensical_in_a_fresh_copy_has_no_mkdocs_in_its_environment(tmp_path):
    copy = fresh_copy(tmp_path / "kb")
    done = subprocess.run(["./kb", "build", "--zensical", str(tmp_path / "site")], cwd=copy, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "installing requirements-zensical.lock into .venv-zensical" in done.stderr
    assert not (copy / ".venv").exists(), "the MkDocs environment was made too"
    venv_python = copy / ".venv-zensical" / "bin" / "python"
    probe = subprocess.run([str(venv_python), "-c", "import mkdocs"], capture_output=True, text=True)
    assert "No module named 'mkdocs'" in probe.stderr
    packages = (copy / ".venv-zensical").glob("lib/python3*/site-packages/*.dist-info")
    installed = {p.name.split("-")[0].lower() for p in packages}
    lock = (ROOT / "requirements-zensical.lock").read_text().splitlines()
    locked = {line.split("==")[0].lower().replace("-", "_") for line in lock if "==" in line}
    assert "zensical" in installed and installed - {"pip", "setuptools"} <= locked, installed - locked
    for lang in LANGS:
        assert len(built_pages(tmp_path / "site", lang)) == len(pages(lang)), lang
    assert '<html lang="en"' in (tmp_path / "site" / "en" / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in copy.glob(".zensical-*")] == [], "the build's own files were left in the project"


def small_project(root: Path, page: str) -> Path:
    """The site's configuration and macros with one page per language."""
    root.mkdir()
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        text = (ROOT / name).read_text(encoding="utf-8")
        (root / name).write_text(re.sub(r"^(nav|watch):\n(?:  - .*\n)+", "", text, flags=re.M), encoding="utf-8")
    for folder in ("overrides", "macros", "snippets"):
        (root / folder).symlink_to(ROOT / folder)
    for lang in LANGS:
        (root / "docs" / lang).mkdir(parents=True)
        (root / "docs" / lang / "index.md").write_text(page, encoding="utf-8")
    return root


def test_a_failed_zensical_build_names_file_and_line_and_leaves_the_previous_site(zensical_site, tmp_path):
    project = small_project(tmp_path / "kb", "# Home { #home }\n\n{@ snippet(\"run-web\") @}\n")
    site = tmp_path / "site"
    done = build_site("zensical", site, project=project)
    assert done.returncode == 0, done.stderr
    before = (site / "index.html").read_text(encoding="utf-8")
    (project / "docs" / "en" / "index.md").write_text("# Home { #home }\n\ntext\n\n{@ snippet(\"nope\") @}\n")
    done = build_site("zensical", site, project=project)
    assert done.returncode != 0
    assert "kb: the Zensical build of the en site failed: docs/en/index.md:5: unknown snippet 'nope'" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == before, "the previous site was replaced"
    assert [p.name for p in project.glob(".zensical-*")] == []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except URLError as err:
        return getattr(err, "code", 0), ""


def test_kb_serve_zensical_serves_both_languages_and_shows_an_edit(zensical_site, tmp_path):
    """`./kb serve --zensical` (its Python, on a copy whose pages the test may edit)."""
    copy = fresh_copy(tmp_path / "kb")
    addr = f"127.0.0.1:{free_port()}"
    server = subprocess.Popen([str(ZENSICAL_PYTHON), "-m", "macros.zensical_site", "serve", addr], cwd=copy,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "SITE_URL": f"http://{addr}/"})
    try:
        poll.until(lambda: fetch(f"http://{addr}/")[0] == 200, 120, "the served site")
        for path, lang in (("/containers/", "ko"), ("/en/containers/", "en")):
            status, text = fetch(f"http://{addr}{path}")
            assert status == 200 and f'<html lang="{lang}"' in text, path
        assert 'hreflang="en" class="md-select__link"' in fetch(f"http://{addr}/containers/")[1]
        for lang, path in (("en", "/en/images/"), ("ko", "/images/")):
            mark = f"edited-{lang}-{time.monotonic_ns()}"
            page = copy / "docs" / lang / "images.md"
            page.write_text(page.read_text(encoding="utf-8") + f"\n{mark}\n", encoding="utf-8")
            poll.until(lambda path=path, mark=mark: mark in fetch(f"http://{addr}{path}")[1], 60,
                       f"the edit of docs/{lang}/images.md")
        assert fetch(f"http://{addr}/en/")[0] == 200, "a rebuild of the Korean site lost the English one"
    finally:
        server.send_signal(signal.SIGINT)
        output = server.communicate(timeout=30)[0]
    assert server.returncode == 0, output
    assert announced(output), output
    assert [p.name for p in copy.glob(".zensical-*")] == [], "serve left its files in the project"
