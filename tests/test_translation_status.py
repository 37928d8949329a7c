"""Last-changed dates, "translation behind" notices and `./kb translation`, from a real git history.

Each test gets a copy of the site's configuration and macros with two small pages per
language in a real git repository (`project`, tests/git_project.py), commits with
controlled dates, runs the real build and reads the built pages: by MkDocs and by Zensical
(`generator`: each test runs once per generator).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, build_site
from git_project import HOME, behind_lines, build, commit, edit, git

from macros.git_dates import prose


def test_an_english_page_behind_its_korean_original_says_so_until_it_catches_up(generator, project):
    project = project()
    built = build(project, generator)
    assert built.notices("en") == built.notices("ko") == []
    assert built.changed("ko") == built.changed("en") == "2026-01-10"

    edit(project, "ko", "실행한 뒤에는 지웁니다.", "실행한 뒤에는 `docker rm`으로 지웁니다.")
    commit(project, "2026-02-03T12:00:00+00:00", "ko: how to remove")
    built = build(project, generator)
    [notice] = built.notices("en")
    assert "The Korean original of this page changed on" in notice and ">2026-02-03</time>" in notice
    href = re.search(r'<a href="([^"]+)" hreflang="ko">', notice)[1]
    assert href == "../../containers/"
    assert (built.site / "en" / "containers" / href / "index.html").resolve() == \
        (built.site / "containers" / "index.html").resolve()
    assert built.notices("ko") == []
    assert "translation-behind" not in built.page("en", ""), "the English home page is up to date"
    assert built.page("en").index("translation-behind") < built.page("en").index('id="run"'), "not at the top"
    assert built.changed("ko") == "2026-02-03" and built.changed("en") == "2026-01-10"
    [line] = behind_lines(built.log)
    assert "INFO" in line and "en/containers.md" in line and "2026-02-03" in line

    edit(project, "en", "Remove it when you are done.", "Remove it with `docker rm` when you are done.")
    commit(project, "2026-02-20T08:00:00+00:00", "en: how to remove")
    built = build(project, generator)
    assert built.notices("en") == built.notices("ko") == [], "the Korean page isn't behind its catching up"
    assert behind_lines(built.log) == []
    assert built.changed("en") == "2026-02-20"


def test_a_change_to_the_translation_alone_asks_nothing_of_the_original(generator, project):
    """The Korean page is the original: an English rewording never marks it as behind."""
    project = project()
    edit(project, "en", "A container is a process", "A container is an isolated process")
    commit(project, "2026-03-05T10:00:00+00:00", "en: wording")
    built = build(project, generator)
    assert built.notices("en") == built.notices("ko") == []
    assert behind_lines(built.log) == []


def test_the_notice_shows_the_translator_the_korean_changes(generator, project):
    project = project()
    edit(project, "ko", "실행한 뒤에는 지웁니다.", "실행한 뒤에는 `docker rm`으로 지웁니다.")
    commit(project, "2026-02-03T12:00:00+00:00", "ko: how to remove")
    [notice] = build(project, generator).notices("en")
    first = git(project, "rev-list", "--max-parents=0", "HEAD").strip()
    summary = re.search(r"<summary>(.*?)</summary>", notice, re.S)[1]
    assert "For translators: what changed in the Korean original" in summary and first[:12] in summary
    assert ">2026-01-10</time>" in summary, "the date of the version the translation follows"
    diff = html.unescape(re.search(r"<pre><code>(.*?)</code></pre>", notice, re.S)[1]).splitlines()
    assert "-실행한 뒤에는 지웁니다." in diff and "+실행한 뒤에는 `docker rm`으로 지웁니다." in diff
    assert diff[0].startswith("--- ko/containers.md (") and diff[1] == "+++ ko/containers.md (now)"


def page_of(project: Path, lang: str = "en") -> str:
    return (project / "docs" / lang / "containers.md").read_text(encoding="utf-8")


def translation(project: Path, *args: str) -> subprocess.CompletedProcess:
    """`./kb translation ARGS` in the project (the tools of this checkout, the project's macros)."""
    return subprocess.run([sys.executable, "-m", "tools.translation", *args], cwd=project, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"})


def test_ack_records_the_korean_version_the_translation_follows(generator, project):
    """A Korean-only fix (the English term in parentheses) needs no English change: once the
    translator acknowledges it, the English page is in step, until the Korean page changes again."""
    project = project()
    edit(project, "ko", "실행한 뒤에는 지웁니다.", "실행(run)한 뒤에는 지웁니다.")
    commit(project, "2026-02-03T12:00:00+00:00", "ko: the English term")
    assert len(build(project, generator).notices("en")) == 1
    status = translation(project, "status")
    assert status.returncode == 1 and "en/containers.md follows ko/containers.md as of" in status.stdout
    assert "behind, ko/containers.md changed on 2026-02-03" in status.stdout

    done = translation(project, "ack", "containers.md")
    assert done.returncode == 0, done.stderr
    korean = git(project, "log", "-1", "--format=%H", "--", "docs/ko/containers.md").strip()
    page = (project / "docs" / "en" / "containers.md").read_text(encoding="utf-8")
    assert page.startswith("# Containers { #containers }\n"), "the page's lines stay where they are"
    assert page.endswith(f"Remove it when you are done.\n\n<!-- original_revision: {korean} -->\n")
    commit(project, "2026-02-04T09:00:00+00:00", "en: follows the Korean page of 2026-02-03")
    built = build(project, generator)
    assert built.notices("en") == [] and behind_lines(built.log) == []
    assert translation(project, "status").returncode == 0

    edit(project, "ko", "컨테이너(container)는", "컨테이너(container)란")
    commit(project, "2026-02-10T10:00:00+00:00", "ko: wording")
    edit(project, "en", "Remove it when you are done.", "Remove it once you are done.")
    commit(project, "2026-02-11T10:00:00+00:00", "en: a wording of its own, not the Korean change")
    [notice] = build(project, generator).notices("en")
    assert ">2026-02-10</time>" in notice and korean[:12] in notice, "compared with the recorded version"
    diff = translation(project, "diff", "en/containers.md")
    assert diff.returncode == 0 and "-컨테이너(container)는 이미지에서" in diff.stdout
    assert "+컨테이너(container)란 이미지에서" in diff.stdout

    assert translation(project, "ack", "containers.md").returncode == 0
    newer = git(project, "log", "-1", "--format=%H", "--", "docs/ko/containers.md").strip()
    records = [line for line in page_of(project).splitlines() if "original_revision" in line]
    assert records == [f"<!-- original_revision: {newer} -->"], "the record is replaced, not added again"


def test_a_korean_change_the_english_was_written_from_is_acknowledged_once(generator, project):
    """The English page changed first, from a Korean draft committed after it: by dates it would be
    behind for ever; acknowledged, it isn't."""
    project = project()
    edit(project, "en", "Remove it when you are done.", "Remove it with `docker rm` when you are done.")
    commit(project, "2026-03-01T10:00:00+00:00", "en: how to remove")
    edit(project, "ko", "실행한 뒤에는 지웁니다.", "실행한 뒤에는 `docker rm`으로 지웁니다.")
    commit(project, "2026-03-02T10:00:00+00:00", "ko: how to remove")
    assert len(build(project, generator).notices("en")) == 1
    assert translation(project, "ack", "docs/ko/containers.md").returncode == 0
    commit(project, "2026-03-03T10:00:00+00:00", "en: acknowledged")
    assert build(project, generator).notices("en") == []


def test_ack_refuses_a_korean_page_with_changes_not_committed(project):
    project = project()
    edit(project, "ko", "실행한 뒤에는 지웁니다.", "실행한 뒤에는 바로 지웁니다.")
    done = translation(project, "ack", "containers.md")
    assert done.returncode != 0 and "docs/ko/containers.md has changes not committed yet" in done.stderr
    assert "original_revision" not in (project / "docs" / "en" / "containers.md").read_text(encoding="utf-8")


def test_a_recorded_version_that_is_not_a_commit_fails_the_build_naming_file_and_line(generator, project):
    project = project()
    page = project / "docs" / "en" / "containers.md"
    page.write_text(page.read_text() + "\n<!-- original_revision: yesterday -->\n", encoding="utf-8")
    done = build_site(generator, project.parent / "site", project=project,
                      env={"PYTHONPATH": str(ROOT), "DOCKER_KB_REPORT": str(project.parent / "none.json")})
    assert done.returncode != 0
    line = page.read_text().splitlines().index("<!-- original_revision: yesterday -->") + 1
    assert f"docs/en/containers.md:{line}: original_revision: 'yesterday' is not a commit hash" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_a_recorded_version_this_clone_does_not_have_says_nothing(generator, project):
    project = project()
    page = project / "docs" / "en" / "containers.md"
    page.write_text(page.read_text() + "\n<!-- original_revision: 0123456789abcdef0123 -->\n", encoding="utf-8")
    commit(project, "2026-05-01T10:00:00+00:00", "en: a revision from another clone")
    edit(project, "ko", "실행한 뒤에는 지웁니다.", "실행한 뒤에는 바로 지웁니다.")
    commit(project, "2026-05-02T10:00:00+00:00", "ko: wording")
    assert build(project, generator).notices("en") == [], "git can't tell: no notice rather than a wrong one"


def test_a_change_inside_code_blocks_only_does_not_count(generator, project):
    project = project()
    edit(project, "ko", "$ echo hello\nhello", "$ echo hello world\nhello world")
    commit(project, "2026-04-01T10:00:00+00:00", "ko: example output updated")
    built = build(project, generator)
    assert built.notices("en") == built.notices("ko") == []
    assert built.changed("ko") == "2026-04-01", "the page did change: its date says so"

    edit(project, "ko", "컨테이너(container)는", "컨테이너(container)란")
    commit(project, "2026-04-02T10:00:00+00:00", "ko: wording")
    assert len(build(project, generator).notices("en")) == 1, "a prose change after the code-only one counts"


def test_prose_leaves_out_only_the_inside_of_fenced_blocks():
    page = "# T\n\nText.\n\n```console\n$ a\nout\n```\n\n!!! note\n    ~~~~text\n    x\n    ~~~~\n    More.\n"
    assert prose(page) == "# T\n\nText.\n\n```\n\n!!! note\n```\n    More."
    assert prose(page.replace("out", "other")) == prose(page)
    assert prose(page.replace("More.", "Less.")) != prose(page)
    assert prose(page.replace("```console\n$ a\nout\n```\n", "")) != prose(page), "a removed block counts"


def test_a_shallow_clone_shows_no_date_rather_than_a_wrong_one(generator, project, tmp_path):
    project = project()
    edit(project, "ko", "실행한 뒤에는 지웁니다.", "실행한 뒤에는 바로 지웁니다.")
    commit(project, "2026-05-01T10:00:00+00:00", "ko: wording")
    (project / "docs" / "en" / "index.md").write_text(HOME["en"] + "\nWelcome.\n", encoding="utf-8")
    commit(project, "2026-05-09T10:00:00+00:00", "en: home")

    full = build(project, generator)
    assert full.changed("ko") == "2026-05-01" and len(full.notices("en")) == 1

    # CI's default checkout: one commit, which looks as if it added every file
    shallow = tmp_path / "shallow" / "kb"
    git(tmp_path, "clone", "-q", "--depth", "1", project.resolve().as_uri(), str(shallow))
    built = build(shallow, generator)
    assert built.changed("ko") is None and built.changed("en") is None and built.changed("en", "") is None
    assert built.notices("en") == built.notices("ko") == []

    # two commits: what changed in the newest one is known, what the cut hides is not
    deeper = tmp_path / "deeper" / "kb"
    git(tmp_path, "clone", "-q", "--depth", "2", project.resolve().as_uri(), str(deeper))
    built = build(deeper, generator)
    assert built.changed("en", "") == "2026-05-09"
    assert built.changed("ko") is None, "its last change is the commit at the cut"
    assert built.notices("en") == []


def test_outside_a_git_checkout_pages_have_no_date(generator, project, tmp_path):
    project = project()
    copy = tmp_path / "copy" / "kb"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".git"))
    built = build(copy, generator)
    assert "kb-changed" not in built.page("ko") and built.notices("en") == []


def test_a_page_in_one_language_only_links_to_the_other_languages_home(generator, project):
    project = project()
    draft = "# 초안 { #draft }\n\n아직 번역하지 않았습니다.\n"
    (project / "docs" / "ko" / "draft.md").write_text(draft, encoding="utf-8")
    commit(project, "2026-06-01T10:00:00+00:00", "ko: a new page")
    built = build(project, generator)
    html = built.page("ko", "draft")
    assert re.search(r'<a href="../en/" hreflang="en" class="md-select__link">', html)
    assert "translation-behind" not in html
    sitemap = (built.site / "sitemap.xml").read_text(encoding="utf-8")
    entry = re.search(r"<url>\s*<loc>[^<]*/draft/</loc>.*?</url>", sitemap, re.S)[0]
    assert "xhtml:link" not in entry, "no translation to announce"
