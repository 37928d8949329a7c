"""A small copy of the site in a real git repository, for the tests of last-changed dates
and translation notices (tests/test_translation_status.py, tests/test_browser.py).

`new_project` copies the site's configuration and macros into a temporary project with
small pages of the test's (two per language by default) and commits them (it is what the
`project` fixture of tests/conftest.py makes); `commit` and `edit` make the history; `build`
runs the real builds of `./kb build` and `./kb build --zensical` (conftest.build_site).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT, build_site

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


def new_project(tmp_path: Path, pages: dict[str, dict[str, str]] | None = None, files: dict[str, str] | None = None,
                git_history: bool = True) -> Path:
    """The site's config, macros, templates, snippets and glossary, with `pages` ({lang: {name: text}};
    by default a home page and containers.md per language, in the nav in that order) and `files`
    (path -> text); committed in a fresh git repository unless `git_history` is False."""
    pages = pages or {lang: {"index.md": HOME[lang], "containers.md": PAGE[lang]} for lang in ("ko", "en")}
    repo = tmp_path / "kb"
    repo.mkdir()
    nav = "".join(f"  - {name}\n" for name in dict.fromkeys(n for lang in pages.values() for n in lang))
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        text = (ROOT / name).read_text(encoding="utf-8")
        text = re.sub(r"^watch:\n(?:  - .*\n)+", "", text, flags=re.M)
        text = re.sub(r"^nav:\n(?:  - .*\n)+", f"nav:\n{nav}", text, flags=re.M)
        (repo / name).write_text(text, encoding="utf-8")
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("macros", "overrides", "snippets"):
        shutil.copytree(ROOT / folder, repo / folder, ignore=ignore)
    shutil.copy(ROOT / ".gitignore", repo / ".gitignore")     # what the builds leave is not committed
    for lang, texts in pages.items():
        (repo / "docs" / lang).mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (repo / "docs" / lang / name).write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "docs" / "glossary.yml", repo / "docs" / "glossary.yml")
    for rel, text in (files or {}).items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    if git_history:
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


def build(repo: Path, generator: str = "mkdocs") -> Built:
    """The build of `./kb build` (INFO messages shown), or (generator "zensical") of `./kb build --zensical`."""
    site = repo.parent / "site"
    shutil.rmtree(site, ignore_errors=True)
    done = build_site(generator, site, project=repo, quiet=False,
                      env={"PYTHONPATH": str(ROOT), "DOCKER_KB_REPORT": str(repo.parent / "no-report.json")})
    assert done.returncode == 0, done.stdout + done.stderr
    return Built(site, done.stdout + done.stderr)


def behind_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if "translation behind" in line]
