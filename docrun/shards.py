"""Sharding: the docs' page runs split into N disjoint parts for N machines, and their reports
joined again.

The unit that moves is a scenario group: the runs of every page holding one scenario (a page
and its translation, whose runs share outcomes) in every pass, so a follower always finds
its leader on its own machine. Groups go to the parts by their weight, longest first, each to
the part with the least so far; a group's weight is its blocks' durations in the last report
(`reports/blocks.json`), or one second per block that runs when the report doesn't know it.
The split depends only on the pages and that report, so every machine computes the same.
The checks that are not page runs (unreadable pages, snippets) go with part 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .passes import PlannedRun

SHARD = re.compile(r"^(\d+)/(\d+)$")


class ShardError(ValueError):
    pass


@dataclass(frozen=True)
class Shard:
    index: int      # 1-based
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        m = SHARD.match(text.strip())
        if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
            raise ShardError(f"--shard {text}: write K/N with 1 <= K <= N, e.g. --shard 2/3")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def first(self) -> bool:
        return self.index == 1


def groups(runs: list[PlannedRun]) -> dict[str, list[PlannedRun]]:
    """The page runs by scenario group (in plan order within each)."""
    found: dict[str, list[PlannedRun]] = {}
    for run in runs:
        found.setdefault(run.page.scenario_key, []).append(run)
    return found


def weights(by_group: dict[str, list[PlannedRun]], last_report: dict | None) -> dict[str, float]:
    spent: dict[str, float] = {}
    for b in (last_report or {}).get("blocks", []):
        if not b.get("shared_with"):                      # a follower's durations are its leader's
            spent[b["page"]] = spent.get(b["page"], 0.0) + float(b.get("duration") or 0)
    out = {}
    for key, runs in by_group.items():
        pages = {r.page.display for r in runs}
        known = sum(spent.get(p, 0.0) for p in pages)
        blocks = sum(len(r.page.examples) for r in runs if r.leader is None)
        out[key] = known if known > 0 else float(blocks)
    return out


def split(runs: list[PlannedRun], count: int, last_report: dict | None) -> list[list[PlannedRun]]:
    """The runs in `count` disjoint parts (each in plan order), balanced by weight."""
    by_group = groups(runs)
    weight = weights(by_group, last_report)
    load = [0.0] * count
    part_of: dict[str, int] = {}
    for key in sorted(by_group, key=lambda k: (-weight[k], by_group[k][0].page.display)):
        part = min(range(count), key=lambda p: (load[p], p))
        part_of[key] = part
        load[part] += weight[key]
    return [[r for r in runs if part_of[r.page.scenario_key] == p] for p in range(count)]


def select(runs: list[PlannedRun], shard: Shard, last_report: dict | None) -> list[PlannedRun]:
    return split(runs, shard.count, last_report)[shard.index - 1]
