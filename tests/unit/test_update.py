"""Update mode's edits (docrun/update.py): each page's own lines, snippets once, atomic writes."""

import textwrap
from pathlib import Path

from docmodel.page import read_page
from docmodel.snippets import SnippetStore
from docrun.kinds import edits_for
from docrun.outcomes import Passed, StepRef, Update
from docrun.update import apply


def page(tmp_path, name, text):
    (tmp_path / "docs").mkdir(exist_ok=True)
    path = tmp_path / "docs" / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return read_page(path, tmp_path / "docs", SnippetStore(tmp_path / "snippets"))


def test_one_outcome_edits_each_page_at_its_own_lines(tmp_path):
    ko = page(tmp_path, "ko.md", "# 가 { #a }\n\n설명이 더 깁니다.\n\n더 있습니다.\n\n"
                                 "```console\n$ echo new\nold\n```\n")
    en = page(tmp_path, "en.md", "# A { #a }\n\n```console\n$ echo new\nold\n```\n")
    outcome = Passed(updates=(Update(StepRef(0), ("new",)),))
    edits = edits_for(ko.blocks[0], outcome) + edits_for(en.blocks[0], outcome)
    assert [(e.display, e.start, e.count) for e in edits] == [("ko.md", 9, 1), ("en.md", 5, 1)]
    changed, conflicts = apply(edits)
    assert sorted(changed) == ["en.md", "ko.md"] and conflicts == []
    assert (tmp_path / "docs" / "en.md").read_text().endswith("```console\n$ echo new\nnew\n```\n")
    assert "$ echo new\nnew\n```" in (tmp_path / "docs" / "ko.md").read_text()


def test_a_shared_snippet_is_edited_once_and_disagreements_are_reported(tmp_path):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "greet.console").write_text("$ echo hello\nold\n")
    a = page(tmp_path, "a.md", '{@ snippet("greet") @}\n')
    b = page(tmp_path, "b.md", '# B { #b }\n\n{@ snippet("greet") @}\n')
    same = Passed(updates=(Update(StepRef(0), ("hello",)),))
    other = Passed(updates=(Update(StepRef(0), ("hi",)),))
    changed, conflicts = apply(edits_for(a.blocks[0], same) + edits_for(b.blocks[0], same)
                               + edits_for(b.blocks[0], other))
    assert [Path(c).parts[-2:] for c in changed] == [("snippets", "greet.console")]     # once, for both pages
    assert (tmp_path / "snippets" / "greet.console").read_text() == "$ echo hello\nhello\n"
    assert len(conflicts) == 1 and "disagree" in conflicts[0]


def test_indented_blocks_keep_their_indentation(tmp_path):
    p = page(tmp_path, "list.md", "- item\n\n    ```console\n    $ echo x\n    y\n    ```\n")
    apply(edits_for(p.blocks[0], Passed(updates=(Update(StepRef(0), ("x", "")),))))
    assert (tmp_path / "docs" / "list.md").read_text() == "- item\n\n    ```console\n    $ echo x\n    x\n\n    ```\n"
