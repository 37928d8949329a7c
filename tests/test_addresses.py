"""Links from wikis never break (macros/addresses.py, tools/anchors.py): every page and anchor the
site published is in docs/published.yml; a build that loses one without a redirect in
docs/redirects.yml fails, naming it; a declared redirect is checked and makes it pass. Real
builds, by MkDocs and by Zensical, of a small project (tests/git_project.py), and `./kb anchors`.
The old addresses landing in a browser, served and from file://, are in test_browser.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LANGS, ROOT, build_project

from macros import addresses


def anchors_tool(project: Path, *args: str) -> subprocess.CompletedProcess:
    """`./kb anchors ARGS` in the project (the tools of this checkout, the project's macros)."""
    return subprocess.run([sys.executable, "-m", "tools.anchors", *args], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"})


def replace(project: Path, rel: str, old: str, new: str) -> None:
    for lang in LANGS:
        page = project / "docs" / lang / rel
        text = page.read_text(encoding="utf-8")
        assert old in text, f"{page}: {old!r}"
        page.write_text(text.replace(old, new), encoding="utf-8")


def move_containers_page(project: Path) -> None:
    """containers.md becomes lifecycle.md (the nav and the home pages' links follow), and its
    section #run becomes #start."""
    for lang in LANGS:
        (project / "docs" / lang / "containers.md").rename(project / "docs" / lang / "lifecycle.md")
    replace(project, "index.md", "(containers.md)", "(lifecycle.md)")
    replace(project, "lifecycle.md", "{ #run }", "{ #start }")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - containers.md\n", "  - lifecycle.md\n"),
                      encoding="utf-8")


@pytest.fixture
def recorded(project) -> Path:
    """The small project with its published pages and anchors recorded by `./kb anchors --update`."""
    repo = project()
    done = anchors_tool(repo, "--update")
    assert done.returncode == 0, done.stdout + done.stderr
    return repo


def test_kb_anchors_records_every_page_and_anchor_and_never_removes_one(project):
    project = project()
    done = anchors_tool(project)
    assert done.returncode == 1 and "not in docs/published.yml yet" in done.stderr
    assert "  ko/containers.md#run" in done.stderr.splitlines()
    assert anchors_tool(project, "--update").returncode == 0
    published = {key: anchors for key, (anchors, _line) in addresses.load_published(project / "docs").items()}
    assert published == {"en/containers.md": ["containers", "run"], "en/index.md": ["home"],
                         "ko/containers.md": ["containers", "run"], "ko/index.md": ["home"]}
    done = anchors_tool(project)
    assert done.returncode == 0 and "has every page and anchor of the site (4 pages, 6 anchors)" in done.stdout

    replace(project, "containers.md", "{ #run }", "{ #running }")
    (project / "docs" / "redirects.yml").write_text("containers.md#run: containers.md#running\n", encoding="utf-8")
    done = anchors_tool(project, "--update")
    assert done.returncode == 0 and "  ko/containers.md#running" in done.stdout.splitlines()
    published = addresses.load_published(project / "docs")
    assert published["ko/containers.md"][0] == ["containers", "run", "running"], "a redirected anchor stays"


def test_an_anchor_gone_fails_the_build_naming_page_and_anchor_until_a_redirect_is_declared(generator, recorded):
    replace(recorded, "containers.md", "{ #run }", "{ #running }")
    site, done = build_project(generator, recorded)
    assert done.returncode != 0
    line = next(n for n, text in enumerate((recorded / "docs" / "published.yml").read_text().splitlines(), 1)
                if text.startswith("ko/containers.md:"))
    assert (f"docs/published.yml:{line}: ko/containers.md#run was published and is gone from "
            "docs/ko/containers.md: declare where it went in docs/redirects.yml") in done.stderr, done.stderr
    assert "Traceback" not in done.stdout + done.stderr

    (recorded / "docs" / "redirects.yml").write_text("containers.md#run: containers.md#running\n", encoding="utf-8")
    site, done = build_project(generator, recorded)
    assert done.returncode == 0, done.stderr
    for html in (site / "containers" / "index.html", site / "en" / "containers" / "index.html"):
        moved = re.search(r'<script id="__kb-anchors" type="application/json">(.*?)</script>', html.read_text())
        assert moved and json.loads(moved[1]) == {"run": "#running"}, html


def test_a_page_gone_needs_a_redirect_and_leaves_a_redirect_page(generator, recorded):
    move_containers_page(recorded)
    _site, done = build_project(generator, recorded)
    assert done.returncode != 0
    assert "ko/containers.md was published and is gone: declare where it went in docs/redirects.yml" in done.stderr

    redirects = recorded / "docs" / "redirects.yml"
    redirects.write_text("containers.md: lifecycle.md\n", encoding="utf-8")
    _site, done = build_project(generator, recorded)
    assert done.returncode != 0, "#run is not on lifecycle.md: the redirect would lead nowhere"
    assert ("docs/redirects.yml:1: containers.md#run is redirected to lifecycle.md#run, but lifecycle.md has no "
            "anchor #run in the ko site") in done.stderr, done.stderr

    redirects.write_text("containers.md: lifecycle.md\ncontainers.md#run: lifecycle.md#start\n", encoding="utf-8")
    site, done = build_project(generator, recorded)
    assert done.returncode == 0, done.stderr
    for lang, page in (("ko", site / "containers" / "index.html"), ("en", site / "en" / "containers" / "index.html")):
        text = page.read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in text and '<meta name="kb-redirect" content="lifecycle.md">' in text
        assert '<noscript><meta http-equiv="refresh" content="0; url=../lifecycle/"></noscript>' in text
        table = json.loads(re.search(r"var moved = (\{.*?\});", text)[1])
        assert table == {"containers": "../lifecycle/#containers", "run": "../lifecycle/#start"}
    assert "This page has moved" in (site / "en" / "containers" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("declared, words", [
    ("containers: lifecycle.md\n", "docs/redirects.yml:1: the old address 'containers' is not a page"),
    ("containers.md#run: ../lifecycle.md\n", "docs/redirects.yml:1: the new address '../lifecycle.md' is not a page"),
    ("containers.md#run: [lifecycle.md]\n", "docs/redirects.yml:1: each entry is `old address: new address`"),
    ("index.md: lifecycle.md\n", "docs/redirects.yml:1: index.md is redirected, but it is still a page of the ko site"),
    ("index.md#home: lifecycle.md#start\n", "docs/redirects.yml:1: index.md#home is redirected, but the anchor is "
                                            "still on that page"),
    ("containers.md: lifecycle.md\ncontainers.md#run: nowhere.md\n",
     "docs/redirects.yml:2: containers.md#run is redirected to nowhere.md, but nowhere.md is not a page of the "
     "ko site"),
])
def test_a_redirect_that_is_wrong_is_named_with_its_line(recorded, declared, words):
    move_containers_page(recorded)
    (recorded / "docs" / "redirects.yml").write_text(declared, encoding="utf-8")
    _site, done = build_project("mkdocs", recorded)
    assert done.returncode != 0 and words in done.stderr, done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_the_recorded_list_has_every_page_and_anchor_the_site_publishes(built_site):
    """docs/published.yml is kept in the repository: a page or anchor added since is recorded too
    (./kb anchors --update), so removing it later needs a redirect."""
    from tools.anchors import built_addresses
    docs_root, built = built_addresses(ROOT, built_site)
    recorded = {key: set(anchors) for key, (anchors, _line) in addresses.load_published(docs_root).items()}
    missing = [f"{key}#{anchor}" for key, ids in sorted(built.items())
               for anchor in sorted(ids - recorded.get(key, set()))]
    missing += [key for key in sorted(built) if key not in recorded]
    assert not missing, "not in docs/published.yml (./kb anchors --update):\n" + "\n".join(missing)
    assert len(built) == 2 * len(list((ROOT / "docs" / "ko").rglob("*.md")))
