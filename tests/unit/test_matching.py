"""Output matching and update merging (docrun/matching.py)."""

import pytest

from docrun import matching
from docrun.matching import clean, diff, mask, matches, updated

ID64 = "f" * 63 + "0"


def test_clean_removes_terminal_codes_and_carriage_returns():
    assert clean("\x1b[?2004h\x1b[1mhi\x1b[0m\r\nthere  \r\n\r\n") == ["hi", "there"]


@pytest.mark.parametrize("raw, masked", [
    ("3f1c0e2d9a4b   web", "<id>   web"),
    (ID64, "<id>"),
    ("Digest: sha256:" + "a" * 64, "Digest: <digest>"),
    ("Up 3 seconds", "Up <time>"),
    ("Exited (0) About a minute ago", "Exited (0) <time>"),
    ("Up Less than a second", "Up <time>"),
    ("2026-11-28 10:00:04 +0000 UTC", "<time>"),
    ("2026-11-28T10:00:04.123456789Z", "<time>"),
    ("debian  trixie-slim  77.8MB", "debian  trixie-slim  <size>"),
    ("0B", "<size>"),
    ("git version 2.47.3", "git version 2.47.3"),
    ("debian:trixie-slim", "debian:trixie-slim"),
])
def test_mask(raw, masked):
    assert mask(raw) == masked


def test_placeholders_and_spacing():
    actual = ["NAME   STATUS", "web    Up 2 seconds"]
    assert matches(["NAME STATUS", "web  Up <time>"], actual)
    assert not matches(["NAME STATUS", "db  Up <time>"], actual)


def test_ellipsis_inside_a_line_and_as_a_line():
    actual = ["Using default tag: latest", "a: Pull complete", "b: Pull complete", "Status: done"]
    assert matches(["Using default tag: ...", "...", "Status: done"], actual)
    assert matches(["...", "Status: done"], actual)
    assert not matches(["...", "Status: failed"], actual)
    assert not matches(["Status: done"], actual)          # extra lines are not ignored


def test_empty_output():
    assert matches([], [])
    assert matches(["..."], [])
    assert not matches([], ["surprise"])


def test_a_placeholder_matches_only_its_kind():
    assert not matches(["<id>"], ["Error: no such image"])


def test_diff_names_both_sides():
    text = diff(["one"], ["two"])
    assert "-one" in text and "+two" in text


def test_updated_keeps_wildcards_that_still_match():
    expected = ["Step ...", "...", "<digest>", "gone"]
    actual = ["Step 1/2 : FROM x", "layer 1", "layer 2", "sha256:" + "b" * 64, "new line"]
    assert updated(expected, actual) == ["Step ...", "...", "<digest>", "new line"]


def test_updated_writes_volatile_values_as_placeholders():
    assert updated(["old"], [ID64, "Up 5 seconds"]) == ["<id>", "Up <time>"]


def test_long_outputs_do_not_recurse():
    actual = [f"line {i}" for i in range(5000)]
    assert matches(["...", "line 4999"], actual)
    assert updated(["...", "line 4999"], actual) == ["...", "line 4999"]


@pytest.mark.parametrize("expected, actual, ok", [
    (["a", "b"], ["b", "a"], True),
    (["a", "b"], ["b", "a", "c"], False),                 # no `...`: nothing else may come
    (["a", "...", "b"], ["c", "b", "d", "a"], True),
    (["#... [1/2] FROM ...", "#... [2/2] RUN ...", "..."],
     ["#5 [2/2] RUN echo hi", "#4 [1/2] FROM debian", "#6 DONE 0.1s"], True),
    (["a ...", "a b"], ["a b", "a c"], True),             # a greedy pairing would take "a b" for "a ..."
    (["a", "a"], ["a"], False),                           # each expected line needs its own
    (["a", "..."], ["b"], False),
])
def test_outputs_that_may_come_in_any_order(expected, actual, ok):
    assert matching.matches_in_any_order(expected, actual) is ok


def test_carriage_returns_become_lines_and_blank_lines_around_the_output_go():
    assert clean("\n\n10%\r50%\r100%\n\ndone\n\n") == ["10%", "50%", "100%", "", "done"]


def test_the_diff_shows_what_was_expected_and_what_came_with_two_lines_around():
    expected = ["a", "b", "c", "d", "e", "f"]
    actual = ["a", "b", "c", "D", "e", "f"]
    assert diff(expected, actual).splitlines() == [
        "--- expected", "+++ actual", "@@ -2,5 +2,5 @@", " b", " c", "-d", "+D", " e", " f"]
