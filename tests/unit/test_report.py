"""The report (docrun/report.py): summaries for every mix of results, pages' last-passed dates."""

import itertools

import pytest

from docrun.report import STATUSES, BlockRecord, page_states, read, summarize, summary_line, write

RAN = "2026-11-01T10:00:00+00:00"


def rec(page, line, status, kind="console", engine="Docker Engine 26.1.5", builder="BuildKit", ran=RAN):
    ran_now = status in ("passed", "failed")
    return BlockRecord(page=page, line=line, kind=kind, status=status, reason="", duration=0.1,
                       engine=engine if ran_now else "", builder=builder if ran_now else "",
                       ran_at=ran if ran_now else "")


MIXES = [s for n in range(4) for s in itertools.combinations_with_replacement(STATUSES, n)]


@pytest.mark.parametrize("statuses", MIXES)
def test_the_summary_holds_for_every_mix_of_results(statuses):
    blocks = [rec("a.md", i, s) for i, s in enumerate(statuses)] + [rec("b.md", 1, "failed", kind="page", engine="")]
    s = summarize(blocks)
    assert s["blocks"] == len(blocks) and s["run"] == s["passed"] + s["failed"] - 1   # b.md's page error ran nothing
    assert summary_line(s).startswith(f"{s['pages']} pages, {len(blocks)} blocks")
    assert summary_line({}) == "0 pages, 0 blocks: 0 run, 0 passed, 0 failed, 0 illustrative, 0 skipped"


def test_a_page_passes_only_when_nothing_failed_or_was_left_out():
    states = page_states([rec("ok.md", 1, "passed"), rec("ok.md", 2, "illustrative"),
                          rec("bad.md", 1, "failed"), rec("cut.md", 1, "passed"), rec("cut.md", 2, "not run"),
                          rec("docs.md", 1, "illustrative")], None)
    assert {k: v["status"] for k, v in states.items()} == {"ok.md": "passed", "bad.md": "failed",
                                                          "cut.md": "failed", "docs.md": "passed"}
    assert states["ok.md"]["last_passed"]["time"] == "2026-11-01T10:00:00+00:00"
    assert "last_passed" not in states["docs.md"]           # nothing ran: nothing to claim


def test_last_passed_names_every_engine_with_its_builders_and_carries_over_a_failure(tmp_path):
    blocks = [rec("p.md", 1, "passed"), rec("p.md", 1, "passed", builder="classic builder"),
              rec("p.md", 1, "passed", engine="Docker Engine 20.10.24")]
    path = tmp_path / "blocks.json"
    first = write(path, blocks, [{"label": "Docker Engine 26.1.5"}], "t0", "docs")
    engines = first["pages"]["p.md"]["last_passed"]["engines"]
    assert engines == [{"engine": "Docker Engine 26.1.5", "builders": ["BuildKit", "classic builder"]},
                       {"engine": "Docker Engine 20.10.24", "builders": ["BuildKit"]}]
    second = write(path, [rec("p.md", 1, "failed", ran="2026-11-02T10:00:00+00:00")], [], "t1", "docs")
    assert second["pages"]["p.md"]["status"] == "failed"
    assert second["pages"]["p.md"]["last_passed"] == first["pages"]["p.md"]["last_passed"]
    assert read(path)["summary"]["failed"] == 1 and read(tmp_path / "missing.json") is None
