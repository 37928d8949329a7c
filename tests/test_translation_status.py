"""Last-changed dates and "translation behind" notices, from a real git history.

Each test copies the site's configuration and macros into a temporary project with two
small pages per language, commits with controlled dates in a real git repository, runs
the real `mkdocs build --strict` and reads the built pages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from macros.git_dates import prose

PAGE = {
    "ko": """# 컨테이너 { #containers }

컨테이너(container)는 이미지에서 시작한 프로세스입니다.

## 실행 { #run }

```console
$ echo hello
hello
```

실행한 뒤에는 지웁니다.
""",
    "en": """# Containers { #containers }

A container is a process started from an image.

## Run { #run }

```console
$ echo hello
hello
```

Remove it when you are done.
""",
}
HOME = {"ko": "# 홈 { #home }\n\n[컨테이너](containers.md)\n",
        "en": "# Home { #home }\n\n[Containers](containers.md)\n"}


def git(repo: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Author", "GIT_AUTHOR_EMAIL": "author@example.com",
           "GIT_COMMITTER_NAME": "Author", "GIT_COMMITTER_EMAIL": "author@example.com",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def project(tmp_path) -> Path:
    """The site's config and macros, two pages per language, in a fresh git repository."""
    repo = tmp_path / "kb"
    repo.mkdir()
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        text = (ROOT / name).read_text(encoding="utf-8")
        text = re.sub(r"^watch:\n(?:  - .*\n)+", "", text, flags=re.M)
        text = re.sub(r"^nav:\n(?:  - .*\n)+", "nav:\n  - index.md\n  - containers.md\n", text, flags=re.M)
        (repo / name).write_text(text, encoding="utf-8")
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("macros", "overrides", "snippets"):
        shutil.copytree(ROOT / folder, repo / folder, ignore=ignore)
    for lang in ("ko", "en"):
        (repo / "docs" / lang).mkdir(parents=True)
        (repo / "docs" / lang / "index.md").write_text(HOME[lang], encoding="utf-8")
        (repo / "docs" / lang / "containers.md").write_text(PAGE[lang], encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "2026-01-10T09:00:00+00:00", "pages in both languages")
    return repo


def commit(repo: Path, when: str, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)


def edit(repo: Path, lang: str, old: str, new: str) -> None:
    page = repo / "docs" / lang / "containers.md"
    text = page.read_text(encoding="utf-8")
    assert old in text
    page.write_text(text.replace(old, new, 1), encoding="utf-8")


class Built:
    def __init__(self, site: Path, log: str):
        self.site, self.log = site, log

    def page(self, lang: str, name: str = "containers") -> str:
        root = self.site if lang == "ko" else self.site / lang
        return (root / name / "index.html").read_text(encoding="utf-8")

    def notices(self, lang: str) -> list[str]:
        return re.findall(r'<div class="admonition warning translation-behind">.*?</div>', self.page(lang), re.S)

    def changed(self, lang: str, name: str = "containers") -> str | None:
        found = re.search(r'<p class="kb-changed">.*?<time datetime="[^"]+">([^<]+)</time>', self.page(lang, name))
        return found[1] if found else None


def build(repo: Path) -> Built:
    """`mkdocs build --strict` as `./kb build` runs it (INFO messages shown)."""
    site = repo.parent / "site"
    shutil.rmtree(site, ignore_errors=True)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=repo,
                          capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT),
                               "DOCKER_KB_REPORT": str(repo.parent / "no-report.json")})
    assert done.returncode == 0, done.stdout + done.stderr
    return Built(site, done.stdout + done.stderr)


def behind_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if "translation behind" in line]


def test_an_english_page_behind_its_korean_original_says_so_until_it_catches_up(project):
    built = build(project)
    assert built.notices("en") == built.notices("ko") == []
    assert built.changed("ko") == built.changed("en") == "2026-01-10"

    edit(project, "ko", "실행한 뒤에는 지웁니다.", "실행한 뒤에는 `docker rm`으로 지웁니다.")
    commit(project, "2026-02-03T12:00:00+00:00", "ko: how to remove")
    built = build(project)
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
    built = build(project)
    assert built.notices("en") == built.notices("ko") == [], "the Korean page isn't behind its catching up"
    assert behind_lines(built.log) == []
    assert built.changed("en") == "2026-02-20"


def test_a_korean_page_says_so_in_korean_when_its_english_page_is_newer(project):
    edit(project, "en", "A container is a process", "A container is an isolated process")
    commit(project, "2026-03-05T10:00:00+00:00", "en: wording")
    built = build(project)
    assert built.notices("en") == []
    [notice] = built.notices("ko")
    assert "영어판이" in notice and ">2026-03-05</time>" in notice and "영어판 보기" in notice
    assert re.search(r'<a href="../en/containers/" hreflang="en">', notice)
    [line] = behind_lines(built.log)
    assert "ko/containers.md" in line

    edit(project, "ko", "컨테이너(container)는 이미지에서", "컨테이너(container)는 격리된 채로 이미지에서")
    commit(project, "2026-03-07T10:00:00+00:00", "ko: follows the English wording")
    built = build(project)
    assert built.notices("ko") == built.notices("en") == [], "catching up doesn't put the other side behind"


def test_a_change_inside_code_blocks_only_does_not_count(project):
    edit(project, "ko", "$ echo hello\nhello", "$ echo hello world\nhello world")
    commit(project, "2026-04-01T10:00:00+00:00", "ko: example output updated")
    built = build(project)
    assert built.notices("en") == built.notices("ko") == []
    assert built.changed("ko") == "2026-04-01", "the page did change: its date says so"

    edit(project, "ko", "컨테이너(container)는", "컨테이너(container)란")
    commit(project, "2026-04-02T10:00:00+00:00", "ko: wording")
    assert len(build(project).notices("en")) == 1, "a prose change after the code-only one counts"


def test_prose_leaves_out_only_the_inside_of_fenced_blocks():
    page = "# T\n\nText.\n\n```console\n$ a\nout\n```\n\n!!! note\n    ~~~~text\n    x\n    ~~~~\n    More.\n"
    assert prose(page) == "# T\n\nText.\n\n```\n\n!!! note\n```\n    More."
    assert prose(page.replace("out", "other")) == prose(page)
    assert prose(page.replace("More.", "Less.")) != prose(page)
    assert prose(page.replace("```console\n$ a\nout\n```\n", "")) != prose(page), "a removed block counts"


def test_a_shallow_clone_shows_no_date_rather_than_a_wrong_one(project, tmp_path):
    edit(project, "ko", "실행한 뒤에는 지웁니다.", "실행한 뒤에는 바로 지웁니다.")
    commit(project, "2026-05-01T10:00:00+00:00", "ko: wording")
    (project / "docs" / "en" / "index.md").write_text(HOME["en"] + "\nWelcome.\n", encoding="utf-8")
    commit(project, "2026-05-09T10:00:00+00:00", "en: home")

    full = build(project)
    assert full.changed("ko") == "2026-05-01" and len(full.notices("en")) == 1

    # CI's default checkout: one commit, which looks as if it added every file
    shallow = tmp_path / "shallow" / "kb"
    git(tmp_path, "clone", "-q", "--depth", "1", project.resolve().as_uri(), str(shallow))
    built = build(shallow)
    assert built.changed("ko") is None and built.changed("en") is None and built.changed("en", "") is None
    assert built.notices("en") == built.notices("ko") == []

    # two commits: what changed in the newest one is known, what the cut hides is not
    deeper = tmp_path / "deeper" / "kb"
    git(tmp_path, "clone", "-q", "--depth", "2", project.resolve().as_uri(), str(deeper))
    built = build(deeper)
    assert built.changed("en", "") == "2026-05-09"
    assert built.changed("ko") is None, "its last change is the commit at the cut"
    assert built.notices("en") == []


def test_outside_a_git_checkout_pages_have_no_date(project, tmp_path):
    copy = tmp_path / "copy" / "kb"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".git"))
    built = build(copy)
    assert "kb-changed" not in built.page("ko") and built.notices("en") == []


def test_a_page_in_one_language_only_links_to_the_other_languages_home(project):
    draft = "# 초안 { #draft }\n\n아직 번역하지 않았습니다.\n"
    (project / "docs" / "ko" / "draft.md").write_text(draft, encoding="utf-8")
    commit(project, "2026-06-01T10:00:00+00:00", "ko: a new page")
    built = build(project)
    html = built.page("ko", "draft")
    assert re.search(r'<a href="../en/" hreflang="en" class="md-select__link">', html)
    assert "translation-behind" not in html
    sitemap = (built.site / "sitemap.xml").read_text(encoding="utf-8")
    entry = re.search(r"<url>\s*<loc>[^<]*/draft/</loc>.*?</url>", sitemap, re.S)[0]
    assert "xhtml:link" not in entry, "no translation to announce"
