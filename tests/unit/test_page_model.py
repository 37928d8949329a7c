"""Reading a Markdown page into blocks (docmodel/page.py) and checking its images (docrun/images_check.py)."""

import textwrap

import pytest

from docmodel.errors import SourceError, SourceErrors
from docmodel.page import ConsoleBlock, read_page
from docmodel.snippets import SnippetStore
from docrun.images_check import check as check_images
from provision.catalogue import load as load_catalogue


@pytest.fixture
def docs(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "hello.console").write_text("$ echo hello\nhello\n")

    def write(text: str, name: str = "page.md"):
        path = tmp_path / "docs" / name
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return read_page(path, tmp_path / "docs", SnippetStore(tmp_path / "snippets"))
    return write


def test_every_kind_of_block_in_order(docs):
    page = docs('''
        ---
        title: Front matter is skipped
        ---
        # Title { #title }

        ```dockerfile title="Dockerfile"
        FROM debian:trixie-slim
        ```

        <!-- docrun: setup
        touch ready
        -->

        ```console
        $ docker build -q -t x .
        <digest>
        ```

        <!-- docrun: wait-port 8080 -->

        <!-- docrun: illustrative reason="steps, not commands" -->
        ```text
        1. write a test
        ```

        {@ snippet("hello") @}
    ''')
    kinds = [(type(b).__name__, b.kind, b.line) for b in page.blocks]
    assert kinds == [("FileBlock", "file", 6), ("ActionBlock", "setup", 10), ("ConsoleBlock", "console", 14),
                     ("ActionBlock", "wait-port", 19), ("NotRunBlock", "illustrative", 22),
                     ("ConsoleBlock", "console", 26)]
    assert page.blocks[0].filename == "Dockerfile" and page.blocks[0].content == "FROM debian:trixie-slim\n"
    console = page.blocks[2]
    assert console.origin.line_of(console.commands[0].line) == 15
    snippet = page.blocks[5]
    assert snippet.snippet == "hello" and snippet.origin.display.endswith("hello.console")
    assert page.snippets == ["hello"]


def test_blocks_inside_admonitions_and_lists_keep_their_lines_and_indent(docs):
    page = docs('''
        !!! note "A note"

            ```console
            $ echo inside
            inside
            ```

        - item

            ```console
            $ echo listed
            listed
            ```
    ''')
    assert [(b.line, b.origin.indent, b.commands[0].output) for b in page.blocks] == [
        (3, "    ", ["inside"]), (10, "    ", ["listed"])]


def test_modifiers_apply_to_the_next_block(docs):
    page = docs('''
        <!-- docrun: exit 1 -->
        <!-- docrun: timeout 300 -->
        ```console
        $ false
        ```
    ''')
    (block,) = page.blocks
    assert isinstance(block, ConsoleBlock) and block.exit_status == 1 and block.timeout == 300


@pytest.mark.parametrize("text, line, words", [
    ("# T\n\n```python\nprint(1)\n```\n", 3, "unclassified code block ```python"),
    ("# T\n\n```\nplain\n```\n", 3, "unclassified code block ``` (no language)"),
    ("# T\n\n    indented code\n", 3, "indented code block"),
    ("# T\n\n<!-- docrun: exit 1 -->\n\nSome prose.\n", 3, "must be directly followed"),
    ("# T\n\n<!-- docrun: skip -->\n```console\n$ x\n```\n", 3, "needs a reason"),
    ("# T\n\n```console\noutput first\n```\n", 4, "must start with a `$ ` command"),
    ("# T\n\n```text title=\"../escape\"\nx\n```\n", 3, "relative path inside"),
    ("# T\n\nText {@ snippet(\"hello\") @} inline.\n", 3, "alone on its own line"),
    ("# T\n\n{@ snippet(\"nope\") @}\n", 3, "unknown snippet 'nope'"),
    ("# T\n\n{@ snippet( @}\n", 3, "macro syntax error"),
])
def test_bad_pages_fail_naming_file_and_line(docs, text, line, words):
    with pytest.raises(SourceError) as err:
        docs(text)
    assert err.value.path == "page.md" and err.value.line == line, str(err.value)
    assert words in err.value.message


def test_go_templates_are_not_macros(docs):
    page = docs("```console\n$ docker ps --format '{{.Names}} {{json .Labels}}'\n```\n")
    assert page.blocks[0].commands[0].text == "docker ps --format '{{.Names}} {{json .Labels}}'"


def test_images_outside_the_catalogue_are_refused_with_their_line(docs):
    catalogue = load_catalogue()
    page = docs('''
        ```console
        $ docker run --rm -e A=1 -p 80:80 --name x debian:trixie-slim true
        $ docker build -q -t mine:1 .
        $ docker run --rm mine:1
        $ docker tag mine:1 localhost:5050/mine:1
        $ docker pull localhost:5050/mine:1
        ```
    ''')
    check_images(page, catalogue)   # catalogue, own and local-registry images are fine
    bad = docs("# T\n\n```console\n$ echo hi\n$ docker run -it --rm ubuntu:24.04 bash\n```\n", "bad.md")
    with pytest.raises(SourceError) as err:
        check_images(bad, catalogue)
    assert err.value.line == 5 and "'ubuntu:24.04'" in err.value.message and "images.yml" in err.value.message
    dockerfile = docs('# T\n\n```dockerfile title="Dockerfile"\nFROM debian:trixie-slim AS build\n'
                      'FROM build\nFROM python:3.13\n```\n', "df.md")
    with pytest.raises(SourceError) as err:
        check_images(dockerfile, catalogue)
    assert err.value.line == 6 and "'python:3.13'" in err.value.message


def test_only_dockerfiles_have_from_lines(docs):
    page = docs('''
        ```python title="app/visits.py"
        from http.server import HTTPServer
        from pathlib import Path
        ```

        ```dockerfile title="web.Dockerfile"
        FROM nginx
        ```

        ```text title="Containerfile"
        FROM busybox AS base
        FROM base
        ```
    ''')
    assert [[u.ref for u in b.images()] for b in page.blocks] == [[], ["nginx"], ["busybox"]]


def test_every_problem_of_a_page_is_reported_at_once(docs):
    with pytest.raises(SourceErrors) as err:
        docs("# T\n\n```python\n1\n```\n\n```\n2\n```\n\n<!-- docrun: exit x -->\n```console\n$ true\n```\n")
    assert [(e.line, e.message.split(":")[0]) for e in err.value.errors] == [
        (3, "unclassified code block ```python"), (7, "unclassified code block ``` (no language)"),
        (11, "`exit` must be a number, not 'x'")]


def test_a_translation_has_the_same_scenario_and_a_changed_command_does_not(docs):
    body = '```dockerfile title="Dockerfile"\nFROM busybox\n```\n\n```console\n$ echo hi\nhi\n```\n'
    ko = docs("# 가 { #a }\n\n한국어 설명입니다.\n\n" + body, "ko.md")
    en = docs("# A { #a }\n\nEnglish prose, longer than the Korean.\n\nMore.\n\n" + body, "en.md")
    other = docs("# A { #a }\n\n" + body.replace("echo hi\nhi", "echo ho\nho"), "other.md")
    assert ko.scenario_key == en.scenario_key != other.scenario_key


def test_the_images_each_block_uses_and_makes_with_their_lines(docs):
    page = docs("""
        # I { #i }

        ```dockerfile title="Dockerfile"
        FROM debian:trixie-slim AS build
        FROM busybox
        ```

        ```console
        $ docker pull nginx
        $ docker push localhost:5050/app:1
        $ docker tag busybox mine:1
        $ docker build --tag app:2 -t app:latest .
        $ docker commit box snap:1
        $ docker run --rm app:2 true
        $ docker tag alone
        ```
    """)
    uses = [(u.ref, u.line, u.what, u.made) for b in page.blocks for u in b.images()]
    assert uses == [
        ("debian:trixie-slim", 4, "Dockerfile: FROM", False), ("busybox", 5, "Dockerfile: FROM", False),
        ("nginx", 9, "`docker pull`", False),                    # a push names no image it uses
        ("busybox", 11, "`docker tag`", False), ("mine:1", 11, "`docker tag`", True),
        ("app:2", 12, "`docker build`", True), ("app:latest", 12, "`docker build`", True),
        ("snap:1", 13, "`docker commit`", True),
        ("app:2", 14, "`docker run`", False),
        ("alone", 15, "`docker tag`", False)]                    # no target: nothing made
