"""The macros module, through real builds of a small project using this site's config, by
MkDocs (mkdocs-macros) and by Zensical (its macros extension): `generator` runs each test once
per generator."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, build_site

from docmodel.errors import SourceError
from docmodel.macrocalls import DELIMITERS
from docmodel.snippets import SnippetStore

GO_TEMPLATES = "docker ps --format '{{.Names}}\\t{{.Status}}' && docker inspect --format '{{json .Config}}' web"


def test_mkdocs_yml_uses_the_delimiters_the_runner_parses():
    text = (ROOT / "mkdocs.yml").read_text()
    for key, value in DELIMITERS.items():
        assert re.search(rf"j2_{key}: '{re.escape(value)}'", text), key


@pytest.fixture
def project(tmp_path):
    """A copy of the site's configuration with a small docs tree of its own."""
    root = tmp_path / "kb"
    root.mkdir()
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        text = (ROOT / name).read_text()
        text = re.sub(r"^(nav|watch):\n(?:  - .*\n)+", "", text, flags=re.M)
        (root / name).write_text(text)
    shutil.copytree(ROOT / "overrides", root / "overrides")
    (root / "macros").symlink_to(ROOT / "macros")   # both generators load it from the project
    (root / "snippets").mkdir()
    (root / "snippets" / "ps.console").write_text(f"$ {GO_TEMPLATES}\nweb Up <time>\n")

    def write(ko: str, en: str | None = None, **files: str) -> Path:
        for lang, text in (("ko", ko), ("en", en if en is not None else ko)):
            (root / "docs" / lang).mkdir(parents=True, exist_ok=True)
            (root / "docs" / lang / "index.md").write_text(textwrap.dedent(text).lstrip())
        (root / "docs" / "glossary.yml").write_text((ROOT / "docs" / "glossary.yml").read_text())
        for rel, text in files.items():
            (root / rel.replace("__", "/")).write_text(text)
        return root
    return write


def build(generator: str, project_dir: Path, **env):
    site = project_dir.parent / "site"
    return site, build_site(generator, site, project=project_dir, env={"PYTHONPATH": str(ROOT), **env})


PAGE = '''
    # Home { #home }

    Docker's Go templates and ids stay as written: {{.Names}} and {#not-an-id}.

    ```console
    $ docker ps --format '{{.Names}}'
    web
    ```

    {@ snippet("ps") @}
'''


def test_snippets_embed_and_go_templates_render_verbatim(generator, project):
    site, done = build(generator, project(PAGE))
    assert done.returncode == 0, done.stderr
    for html in (site / "index.html", site / "en" / "index.html"):
        text = html.read_text()
        code = re.sub(r"<[^>]+>", "", text).replace("&#39;", "'").replace("&amp;", "&")
        assert "{{.Names}} and {#not-an-id}" in code
        assert "docker ps --format '{{.Names}}'" in code
        assert GO_TEMPLATES.replace("\\t", "\\t") in code, "the snippet was not embedded verbatim"


@pytest.mark.parametrize("page, snippet, where, words", [
    ('# T { #t }\n\ntext\n\n{@ snippet("missing") @}\n', None, "docs/ko/index.md:5", "unknown snippet 'missing'"),
    ('---\ntitle: x\n---\n# T { #t }\n\n{@ snippet("bad") @}\n', "docker ps\n", "snippets/bad.console:1",
     "malformed snippet"),
    ('# T { #t }\n\n{@ snippet("bad") @}\n', "$ echo \\\n", "snippets/bad.console:1", "no line follows"),
    ('# T { #t }\n\n{@ snippet("bad") @}\n', "$ echo hi\n```\n", "snippets/bad.console:2", "code fences"),
    ('# T { #t }\n\n{@ nosuch() @}\n', None, "docs/ko/index.md:3", "unknown macro 'nosuch'"),
    ('# T { #t }\n\n{@ snippet("ps" @}\n', None, "docs/ko/index.md:3", "macro syntax error"),
    ('# T { #t }\n\nSee {@ snippet("ps") @} inline.\n', None, "docs/ko/index.md:3", "alone on its own line"),
    ('---\nx: 1\n---\n\n# T { #t }\n\n{@ snippet(name) @}\n', None, "docs/ko/index.md:7", "one snippet name"),
])
def test_macro_errors_fail_the_build_naming_file_and_line(generator, project, page, snippet, where, words):
    files = {"snippets__bad.console": snippet} if snippet else {}
    site, done = build(generator, project(page, **files))
    assert done.returncode != 0
    assert f"{where}: " in done.stderr and words in done.stderr, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (site / "index.html").exists() or "Macro" not in (site / "index.html").read_text()


def test_the_page_says_when_its_examples_last_passed(generator, project, tmp_path):
    report = tmp_path / "blocks.json"
    when = {"time": "2026-11-20T08:30:00+00:00", "engine": "Docker Engine 28.5.1 (linux/amd64)"}
    report.write_text(json.dumps({"finished": "2026-11-20T08:30:00+00:00", "pages": {
        "ko/index.md": {"status": "passed", "executed": 2, "last_passed": when},
        "en/index.md": {"status": "failed", "executed": 2, "last_passed": when},
    }}))
    site, done = build(generator, project(PAGE), DOCKER_KB_REPORT=str(report))
    assert done.returncode == 0, done.stderr
    ko = (site / "index.html").read_text()
    en = (site / "en" / "index.html").read_text()
    assert "2026-11-20 08:30 UTC에 Docker Engine 28.5.1 (linux/amd64)에서 마지막으로 통과했습니다" in ko
    assert "failed in the run of 2026-11-20 08:30 UTC. Last passed: 2026-11-20 08:30 UTC, Docker Engine 28.5.1" in en
    site2, done = build(generator, project(PAGE), DOCKER_KB_REPORT=str(tmp_path / "none.json"))
    assert "kb-tested" not in (site2 / "index.html").read_text()


def test_the_note_names_the_image_versions_the_examples_ran_with(generator, project, tmp_path):
    report = tmp_path / "blocks.json"
    engines = [{"engine": "Docker Engine 20.10.24", "builders": ["BuildKit"],
                "images": {"nginx:latest": "1.30.6", "busybox:latest": "1.37.0"}},
               {"engine": "Docker Engine 28.5.2", "builders": ["BuildKit"], "images": {"nginx:latest": "1.30.6"}}]
    when = {"time": "2026-12-05T08:00:00+00:00", "engine": engines[0]["engine"], "engines": engines}
    report.write_text(json.dumps({"finished": when["time"], "pages": {
        "ko/index.md": {"status": "passed", "executed": 2, "last_passed": when},
        "en/index.md": {"status": "passed", "executed": 2, "last_passed": when}}}))
    site, done = build(generator, project(PAGE), DOCKER_KB_REPORT=str(report))
    assert done.returncode == 0, done.stderr
    assert "사용한 이미지: busybox:latest (1.37.0), nginx:latest (1.30.6)." in (site / "index.html").read_text()
    assert "Images: busybox:latest (1.37.0), nginx:latest (1.30.6)." in (site / "en" / "index.html").read_text()


def test_glossary_renders_every_term_in_both_languages(generator, project):
    site, done = build(generator, project("# 용어집 { #glossary }\n\n{@ glossary() @}\n",
                                          "# Glossary { #glossary }\n\n{@ glossary() @}\n"))
    assert done.returncode == 0, done.stderr
    terms = yaml.safe_load((ROOT / "docs" / "glossary.yml").read_text())
    ko, en = (site / "index.html").read_text(), (site / "en" / "index.html").read_text()
    for t in terms:
        assert t["ko"] in ko and t["en"] in en
        assert ko.count('id="term-') == en.count('id="term-') == len(terms)


def test_snippet_store_errors_name_the_file(tmp_path):
    store = SnippetStore(tmp_path, display_root=tmp_path.parent)
    (tmp_path / "ok.console").write_text("$ echo ok\nok\n")
    assert store.load("ok").as_fence() == "```console\n$ echo ok\nok\n```"
    with pytest.raises(SourceError) as err:
        store.load("Bad Name", used_at=("docs/ko/x.md", 7))
    assert str(err.value).startswith("docs/ko/x.md:7: invalid snippet name")
