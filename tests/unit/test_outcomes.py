"""Outcomes (docrun/outcomes.py) are told for each page that shares them, at its own lines."""

from docmodel.page import read_page
from docmodel.snippets import SnippetStore
from docrun.kinds import failure_message, where
from docrun.outcomes import Failed, NotRun, StepRef, Stop


def test_a_failure_and_the_blocks_after_it_name_each_page_s_own_lines(tmp_path):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "s.console").write_text("$ echo a\na\n$ echo b\nb\n")
    body = '```console\n$ docker run -it --rm busybox sh\n/ # echo hi\nhi\n/ # exit\n```\n\n{@ snippet("s") @}\n'
    store = SnippetStore(tmp_path / "snippets")
    short = tmp_path / "short.md"
    short.write_text(body)
    long = tmp_path / "long.md"
    long.write_text("# L { #l }\n\nMore prose here.\n\n" + body)
    a, b = (read_page(p, tmp_path, store) for p in (short, long))
    failed = Failed(what="the output differs from the page", detail="diff", step=StepRef(0, 0))
    assert failure_message(a, a.blocks[0], failed) == f"{short}:3: the output differs from the page\ndiff"
    assert failure_message(b, b.blocks[0], failed).startswith(f"{long}:7: ")
    # the snippet's second command: the page's line of the snippet call, and the snippet's own line
    assert where(b, b.blocks[1], StepRef(1)) == f"{long}:12 (snippet snippets/s.console:3)"
    assert where(a, a.blocks[1], StepRef(1)) == f"{short}:8 (snippet snippets/s.console:3)"
    not_run = NotRun(after=0, why=Stop.TIMED_OUT)
    assert not_run.reason_on(a) == "not run: the block at line 1 timed out"
    assert not_run.reason_on(b) == "not run: the block at line 5 timed out"
