"""The life of page runs, in process (pytest's pytester): a follower reports its leader's outcomes,
--changed reuses what passed, a page that can't be read still ends the run with its summary,
and the session plans when the current engine stops. Pages run on the real engine."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from docmodel.page import read_page
from docrun.changed import ChangedCache
from docrun.passes import Outlook, plan
from docrun.session import Session, Settings
from provision.catalogue import load as load_catalogue

pytest_plugins = ["pytester"]



def counted(counter: Path, prose: str) -> str:
    return textwrap.dedent(f"""\
        # Counted {{ #counted }}

        {prose}

        ```console
        $ echo ran >> {counter}
        $ echo "hello"
        hello
        ```
        """)


def run(pytester, *extra):
    pytester.makefile(".docrun", examples="docs_dir: docs\n")
    return pytester.runpytest_inprocess("-p", "docrun.plugin", "--current-engine", "off", "--docker-builder",
                                        "default", "--report-dir", "reports", *extra)


def blocks(pytester) -> list[dict]:
    return json.loads((pytester.path / "reports" / "blocks.json").read_text())["blocks"]


def test_a_follower_reports_its_leader_s_outcomes(pytester):
    counter = pytester.path / "counter"
    (pytester.path / "docs" / "en").mkdir(parents=True)
    (pytester.path / "docs" / "ko").mkdir()
    (pytester.path / "docs" / "en" / "p.md").write_text(counted(counter, "English."))
    (pytester.path / "docs" / "ko" / "p.md").write_text(counted(counter, "한국어입니다."))
    result = run(pytester, "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)                            # one block per page
    assert counter.read_text() == "ran\n"                       # one run for both pages
    shared = {b["page"]: b["shared_with"] for b in blocks(pytester)}
    assert shared == {"en/p.md": "", "ko/p.md": "en/p.md"}


def test_changed_reuses_what_passed_and_runs_what_changed(pytester):
    counter = pytester.path / "counter"
    (pytester.path / "docs").mkdir()
    page = pytester.path / "docs" / "p.md"
    page.write_text(counted(counter, "First."))
    run(pytester).assert_outcomes(passed=1)
    again = run(pytester, "--changed")
    again.assert_outcomes(passed=1)
    assert counter.read_text() == "ran\n"                       # nothing changed: nothing ran
    assert {b["shared_with"] for b in blocks(pytester)} == {"an earlier run (--changed: nothing changed)"}
    page.write_text(counted(counter, "First.").replace('"hello"\nhello', '"hi"\nhi'))
    run(pytester, "--changed").assert_outcomes(passed=1)
    assert counter.read_text() == "ran\nran\n"                  # the page changed: it ran


def test_a_page_that_can_t_be_read_ends_the_run_with_its_summary(pytester):
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "bad.md").write_text("# B { #b }\n\n```python\nprint(1)\n```\n")
    (pytester.path / "docs" / "good.md").write_text("# G { #g }\n\n```console\n$ echo ok\nok\n```\n")
    result = run(pytester, "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*bad.md:3: unclassified code block ```python*",
                                 "*2 pages, 2 blocks: 1 run, 1 passed, 1 failed*"])


def test_the_current_engine_stops_after_its_last_selected_run(tmp_path):
    paths = []
    for name in ("a.md", "b.md", "c.md"):
        path = tmp_path / name
        path.write_text(f"# {name} {{ #x }}\n\n```console\n$ echo {name}\n```\n")
        paths.append(read_page(path, tmp_path, None))
    runs = plan(paths, "default", "on", Outlook(True, True))
    session = Session(Settings(60, False, False, tmp_path / "blocks.json"), ChangedCache(None, False),
                      load_catalogue(), say=lambda line: None)
    try:
        session.plan([r for r in runs if r.page.display != "c.md"])         # -k: c.md deselected
        assert session.last_on_current == "b.md (current engine)"
        session.plan([r for r in runs if r.run_pass.kind.value == ""])     # no current engine selected
        assert session.last_on_current == ""
    finally:
        session.engines.close()
