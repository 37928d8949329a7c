"""The macros module, through real builds of a small project using this site's config, by
MkDocs (mkdocs-macros) and by Zensical (its macros extension): `generator` runs each test once
per generator."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, build_project

from docmodel.errors import SourceError
from docmodel.macrocalls import DELIMITERS
from docmodel.snippets import SnippetStore

GO_TEMPLATES = "docker ps --format '{{.Names}}\\t{{.Status}}' && docker inspect --format '{{json .Config}}' web"


def test_mkdocs_yml_uses_the_delimiters_the_runner_parses():
    text = (ROOT / "mkdocs.yml").read_text()
    for key, value in DELIMITERS.items():
        assert re.search(rf"j2_{key}: '{re.escape(value)}'", text), key


def site_of(project, ko: str, en: str | None = None, **files: str) -> Path:
    """A project (the `project` fixture) whose home page is `ko` (and `en`, else the same), with the
    snippet these tests embed, and `files` (a `__` in a name is a folder: snippets__bad.console)."""
    pages = {lang: {"index.md": textwrap.dedent(text).lstrip()} for lang, text in (("ko", ko), ("en", en or ko))}
    extra = {"snippets/ps.console": f"$ {GO_TEMPLATES}\nweb Up <time>\n",
             **{rel.replace("__", "/"): text for rel, text in files.items()}}
    return project(pages, extra, git_history=False)


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
    site, done = build_project(generator, site_of(project, PAGE))
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
    site, done = build_project(generator, site_of(project, page, **files))
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
    site, done = build_project(generator, site_of(project, PAGE), DOCKER_KB_REPORT=str(report))
    assert done.returncode == 0, done.stderr
    ko = (site / "index.html").read_text()
    en = (site / "en" / "index.html").read_text()
    assert "2026-11-20 08:30 UTC에 Docker Engine 28.5.1 (linux/amd64)에서 마지막으로 통과했습니다" in ko
    assert "failed in the run of 2026-11-20 08:30 UTC. Last passed: 2026-11-20 08:30 UTC, Docker Engine 28.5.1" in en
    site2, done = build_project(generator, site_of(project, PAGE), DOCKER_KB_REPORT=str(tmp_path / "none.json"))
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
    site, done = build_project(generator, site_of(project, PAGE), DOCKER_KB_REPORT=str(report))
    assert done.returncode == 0, done.stderr
    assert "사용한 이미지: busybox:latest (1.37.0), nginx:latest (1.30.6)." in (site / "index.html").read_text()
    assert "Images: busybox:latest (1.37.0), nginx:latest (1.30.6)." in (site / "en" / "index.html").read_text()


def test_glossary_renders_every_term_in_both_languages(generator, project):
    site, done = build_project(generator, site_of(project, "# 용어집 { #glossary }\n\n{@ glossary() @}\n",
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


MARKED = '''
    # Home { #home }

    <!-- docrun: setup
    echo hi > greeting
    -->

    ```console
    $ cat greeting
    hi
    ```

    <!-- docrun: illustrative reason="shows the shape of a file only" -->
    ```text
    a sketch
    ```

    !!! note

        Inside a note:

        ```console
        $ echo two
        two
        ```

    {@ snippet("ps") @}

    ```dockerfile title="Dockerfile"
    FROM busybox
    ```
'''
ENGINES = ("Docker Engine 20.10.24+dfsg1 (linux/amd64)", "Docker Engine 28.5.2+dfsg4 (linux/amd64)")


def report_for(project_dir: Path, path: Path, when: str = "2026-12-05T07:40:00+00:00") -> Path:
    """A report on the pages of the project as they are now: per rendered block, in order, passed
    on both engines, illustrative, failed on 28.5 only, skipped, not run (an earlier block failed)."""
    from docmodel.page import read_page
    blocks = []
    for lang in ("ko", "en"):
        page = read_page(project_dir / "docs" / lang / "index.md", project_dir / "docs",
                         SnippetStore(project_dir / "snippets"))
        shown = [b for b in page.blocks if b.kind not in ("setup",)]
        statuses = [("passed", "passed"), ("illustrative", "illustrative"), ("passed", "failed"),
                    ("skipped", "skipped"), ("not run", "not run")]
        for block, (old, new) in zip(shown, statuses, strict=True):
            for engine, status in zip(ENGINES, (old, new), strict=True):
                ran = status in ("passed", "failed")
                blocks.append({"page": f"{lang}/index.md", "line": block.line, "kind": block.kind, "status": status,
                               "reason": {"illustrative": "shows the shape of a file only", "skipped": "needs root",
                                          "failed": "the output differs from the page"}.get(status, ""),
                               "engine": engine if ran else "", "builder": "BuildKit" if ran else "",
                               "source": "snippets/ps.console" if getattr(block, "snippet", None) else "",
                               "ran_at": when if ran else ""})
        setup = next(b for b in page.blocks if b.kind == "setup")
        blocks.append({"page": f"{lang}/index.md", "line": setup.line, "kind": "setup", "status": "passed",
                       "reason": "", "engine": ENGINES[0], "builder": "BuildKit", "source": "", "ran_at": when})
    path.write_text(json.dumps({"finished": when, "pages": {}, "blocks": blocks}))
    return path


MARK = re.compile(r'</pre></div>(<p class="docrun-mark" data-status="([^"]+)"[^>]*>(.*?)</p>)?')


def marks_after_code(html: str) -> list[tuple[str, str] | None]:
    """For each code block of a built page, in order: (status, text) of the mark right after it, or None."""
    return [(m[2], re.sub(r"<[^>]+>", "", m[3])) if m[1] else None for m in MARK.finditer(html)]


EXPECTED_MARKS = {
    "ko": [("passed", "2026-12-05에 도커 엔진 20.10, 28.5에서 확인했습니다."),
           ("illustrative", "실행하지 않는 예입니다: shows the shape of a file only"),
           ("failed", "2026-12-05부터 도커 엔진 28.5에서 실패하고 있습니다."),
           ("skipped", "실행하지 않았습니다: needs root"),
           ("not-run", "지난 실행에서는 확인하지 못했습니다. 이 페이지의 앞선 예제가 실패했습니다.")],
    "en": [("passed", "checked on Engine 20.10 and 28.5, 2026-12-05"),
           ("illustrative", "not run: shows the shape of a file only"),
           ("failed", "failing since 2026-12-05 on Engine 28.5"),
           ("skipped", "not run: needs root"),
           ("not-run", "not checked in the last run: an earlier example on this page failed")],
}


def test_every_code_block_gets_its_mark_from_the_report(generator, project, tmp_path):
    root = site_of(project, MARKED)
    site, done = build_project(generator, root, DOCKER_KB_REPORT=str(report_for(root, tmp_path / "blocks.json")))
    assert done.returncode == 0, done.stderr
    for lang, html in (("ko", site / "index.html"), ("en", site / "en" / "index.html")):
        assert marks_after_code(html.read_text()) == EXPECTED_MARKS[lang], lang
    ko = (site / "index.html").read_text()
    passed = re.search(r'<p class="docrun-mark" data-status="passed" title="([^"]+)"', ko)
    assert passed[1] == f"{ENGINES[0]}: BuildKit; {ENGINES[1]}: BuildKit", "the tooltip names engines and builders"


def test_marks_follow_their_blocks_when_lines_moved_since_the_run(generator, project, tmp_path):
    """The report was made before the page got front matter and new paragraphs: every line moved."""
    root = site_of(project, MARKED)
    report = report_for(root, tmp_path / "blocks.json")
    for lang in ("ko", "en"):
        page = root / "docs" / lang / "index.md"
        text = page.read_text().replace("# Home { #home }\n", "# Home { #home }\n\nA new paragraph.\n\nAnd more.\n")
        page.write_text("---\ntitle: Home\n---\n\n" + text)
    site, done = build_project(generator, root, DOCKER_KB_REPORT=str(report))
    assert done.returncode == 0, done.stderr
    assert marks_after_code((site / "en" / "index.html").read_text()) == EXPECTED_MARKS["en"]


def test_a_block_added_since_the_run_has_no_mark_and_the_others_keep_theirs(generator, project, tmp_path):
    """A console block added before another console block: which of the two the report's line was
    can't be told, so neither gets a mark; the blocks before and after keep theirs."""
    root = site_of(project, MARKED)
    report = report_for(root, tmp_path / "blocks.json")
    for lang in ("ko", "en"):
        page = root / "docs" / lang / "index.md"
        page.write_text(page.read_text().replace("!!! note", "```console\n$ echo new\nnew\n```\n\n!!! note"))
    site, done = build_project(generator, root, DOCKER_KB_REPORT=str(report))
    assert done.returncode == 0, done.stderr
    expected = EXPECTED_MARKS["ko"]
    assert marks_after_code((site / "index.html").read_text()) == [*expected[:2], None, None, *expected[3:]]
    for lang in ("ko", "en"):          # the new block removed again, another one taken away
        page = root / "docs" / lang / "index.md"
        page.write_text(page.read_text().replace("```console\n$ echo new\nnew\n```\n\n", "")
                        .replace('<!-- docrun: illustrative reason="shows the shape of a file only" -->\n'
                                 '```text\na sketch\n```', "Text instead of a sketch."))
    site, done = build_project(generator, root, DOCKER_KB_REPORT=str(report))
    assert done.returncode == 0, done.stderr
    assert marks_after_code((site / "index.html").read_text()) == [expected[0], *expected[2:]]


def test_without_a_report_there_are_no_marks(generator, project, tmp_path):
    site, done = build_project(generator, site_of(project, MARKED), DOCKER_KB_REPORT=str(tmp_path / "none.json"))
    assert done.returncode == 0, done.stderr
    html = (site / "index.html").read_text()
    assert "docrun-mark" not in html and marks_after_code(html) == [None] * 5
