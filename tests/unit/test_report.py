"""The report (docrun/report.py): summaries for every mix of results, pages' last-passed dates."""

import itertools

import pytest

from docrun.outcomes import Status
from docrun.report import BlockRecord, page_states, read, summarize, summary_line, write

RAN = "2026-11-01T10:00:00+00:00"


def rec(page, line, status, kind="console", engine="Docker Engine 26.1.5", builder="BuildKit", ran=RAN):
    ran_now = status in ("passed", "failed")
    return BlockRecord(page=page, line=line, kind=kind, status=status, reason="", duration=0.1,
                       engine=engine if ran_now else "", builder=builder if ran_now else "",
                       ran_at=ran if ran_now else "")


MIXES = [s for n in range(4) for s in itertools.combinations_with_replacement(list(Status), n)]


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
    used = [{"label": "Docker Engine 26.1.5", "images": {"nginx:latest": "1.30.6", "busybox:latest": "1.37.0"}},
            {"label": "Docker Engine 20.10.24", "images": {"nginx:latest": "1.30.6"}}]
    first = write(path, blocks, used, "t0", "docs", {"p.md": ["nginx:latest"]})
    engines = first["pages"]["p.md"]["last_passed"]["engines"]
    assert engines == [{"engine": "Docker Engine 26.1.5", "builders": ["BuildKit", "classic builder"],
                        "images": {"nginx:latest": "1.30.6"}},       # only the images the page uses
                       {"engine": "Docker Engine 20.10.24", "builders": ["BuildKit"],
                        "images": {"nginx:latest": "1.30.6"}}]
    second = write(path, [rec("p.md", 1, "failed", ran="2026-11-02T10:00:00+00:00")], [], "t1", "docs")
    assert second["pages"]["p.md"]["status"] == "failed"
    assert second["pages"]["p.md"]["last_passed"] == first["pages"]["p.md"]["last_passed"]
    assert read(path)["summary"]["failed"] == 1 and read(tmp_path / "missing.json") is None


def test_the_summary_names_the_declared_engines_and_warns_when_a_version_is_not_the_declared_one():
    from docrun.report import checked_on
    from provision.checked_on import load
    declared = load()
    ran = [{"label": "Docker Engine 20.10.24+dfsg1 (linux/amd64)", "version": "20.10.24+dfsg1", "role": "provisioned",
            "builders": ["BuildKit", "classic builder"]},
           {"label": "Docker Engine 26.1.5+dfsg1 (linux/amd64)", "version": "26.1.5+dfsg1", "role": "current",
            "builders": ["BuildKit"]}]
    lines = checked_on(ran, declared)
    assert lines[0] == (f"declared: {declared.provisioned.label} (Debian bookworm): ran 20.10.24+dfsg1 "
                        "(BuildKit, classic builder)", False)
    assert lines[1][1] is True and f"not the declared {declared.current.version}" in lines[1][0]
    assert checked_on([], declared)[1] == (f"declared: {declared.current.label} (Debian {declared.current.suite}, "
                                           "containerd image store): not in this run", False)
