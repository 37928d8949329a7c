"""./kb test with no arguments (tools/whole_suite.py): two pytest processes that together run
every test of the suite, each once."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

from tools.whole_suite import BESIDE, HERE, summary


def collected(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-qq", "-p", "no:cacheprovider",
                           "--junitxml=/dev/null", *args, "tests"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return {line for line in done.stdout.splitlines() if "::" in line}


def test_the_two_sides_run_every_test_once():
    everything, here, beside = collected(), collected("-m", HERE), collected("-m", BESIDE)
    assert here and beside and not here & beside
    assert here | beside == everything
    assert any("examples.docrun::" in t for t in here) and any("test_browser.py::" in t for t in here)
    assert not any("examples.docrun::" in t or "test_browser.py::" in t for t in beside)


def test_the_summary_shows_the_failures_or_only_the_last_line():
    log = ("tests/a.py::t PASSED\n=== FAILURES ===\n_ t _\nE boom\n=== short test summary info ===\nFAILED t\n"
           "== 1 failed ==\n")
    assert summary(log, failed=True).startswith("=== FAILURES ===") and "E boom" in summary(log, failed=True)
    assert summary(log, failed=False) == "== 1 failed =="
    assert summary("", failed=True) == "(no output)"
