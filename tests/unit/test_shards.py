"""Sharding the docs' page runs (docrun/shards.py): disjoint, complete, balanced, pairs kept together."""

import pytest

from docmodel.page import read_page
from docrun.passes import Outlook, plan
from docrun.shards import Shard, ShardError, split


def pages(tmp_path, texts: dict[str, str]):
    out = []
    for name, text in texts.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        out.append(read_page(path, tmp_path, None))
    return out


def page_text(title: str, prose: str, command: str) -> str:
    return f"# {title} {{ #t }}\n\n{prose}\n\n```console\n$ {command}\n```\n"


@pytest.fixture
def runs(tmp_path):
    texts = {}
    for n in range(6):
        texts[f"en/p{n}.md"] = page_text("T", "English.", f"echo {n}")
        texts[f"ko/p{n}.md"] = page_text("제목", "한국어.", f"echo {n}")      # the same scenario
    texts["ko/extra.md"] = page_text("E", "x", "echo extra")
    return plan(pages(tmp_path, texts), "auto", "on", Outlook(True, True))


def test_the_parts_are_disjoint_and_together_the_whole(runs):
    for count in (1, 2, 3, 5):
        parts = split(runs, count, None)
        keys = [r.key for part in parts for r in part]
        assert sorted(keys) == sorted(r.key for r in runs) and len(keys) == len(set(keys))


def test_a_page_its_translation_and_their_passes_stay_in_one_part(runs):
    parts = split(runs, 3, None)
    names = [{r.page.display.split("/", 1)[1] for r in part} for part in parts]
    for n, part in enumerate(parts):
        for run in part:
            if run.leader is not None:
                assert run.leader in part                       # a follower finds its leader beside it
        for m in range(n + 1, len(parts)):
            assert not names[n] & names[m]


def test_the_last_report_s_durations_balance_the_parts(runs):
    report = {"blocks": [{"page": "en/p0.md", "duration": 100.0, "shared_with": ""},
                         {"page": "ko/p0.md", "duration": 100.0, "shared_with": "en/p0.md"}]}   # a follower's
    parts = split(runs, 2, report)
    heavy = next(p for p in parts if any(r.page.display == "en/p0.md" for r in p))
    assert {r.page.display for r in heavy} == {"en/p0.md", "ko/p0.md"}    # p0 alone outweighs the rest
    assert split(runs, 2, report) == parts                                  # and every machine splits alike


@pytest.mark.parametrize("text", ["0/2", "3/2", "2", "a/b", "1/0"])
def test_a_bad_shard_says_how_to_write_one(text):
    with pytest.raises(ShardError, match="write K/N"):
        Shard.parse(text)
