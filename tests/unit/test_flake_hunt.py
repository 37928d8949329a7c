"""`./kb flake-hunt`: which blocks changed between runs (tools/flake_hunt.py)."""

from tools.flake_hunt import compare


def block(page, line, status, reason=""):
    return {"page": page, "line": line, "status": status, "reason": reason, "engine": "e", "builder": "b"}


def test_a_block_that_changed_or_failed_in_any_run_is_listed_and_a_steady_one_is_not():
    runs = [{"blocks": [block("a.md", 3, "passed"), block("a.md", 9, "passed"), block("b.md", 4, "failed", "x"),
                        block("c.md", 2, "illustrative", "why")]},
            {"blocks": [block("a.md", 3, "passed"), block("a.md", 9, "failed", "the output differs"),
                        block("b.md", 4, "failed", "x"), block("c.md", 2, "illustrative", "why")]}]
    found = compare(runs)
    assert [(f["page"], f["line"], f["statuses"]) for f in found] == [
        ("a.md", 9, ["passed", "failed"]), ("b.md", 4, ["failed", "failed"])]
    assert found[0]["reasons"] == ["the output differs"]
    assert compare([runs[0], runs[0]])[0]["page"] == "b.md" and len(compare([runs[0]])) == 1
