"""`--changed`: run only the pages whose result could differ from when they last passed.

The key of a page run is what its result depends on: its scenario (the page's blocks,
snippets included), the pass, the engine it runs on, the builder and the IDs of the
catalogue images it uses. A page run that passed is kept under its key in pytest's cache;
with `--changed`, a page run whose key is there is not run again, and its blocks are
reported as passed, with the time they really ran.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Protocol

from docmodel.page import Block
from provision.catalogue import Catalogue
from provision.checked_on import Builder, Role
from provision.engine import ENGINE_FAULTS
from provision.machines import engine_images

from . import images_check, report
from .engines import Engines
from .outcomes import Illustrative, Outcome, Passed, Skipped, Status
from .passes import PlannedRun, Where

CACHE_KEY = "docrun/passed/v2"
Outcomes = dict[int, tuple[Outcome, str]]


class Store(Protocol):
    """pytest's cache (config.cache): get and set by key."""

    def get(self, key: str, default): ...
    def set(self, key: str, value) -> None: ...


@dataclass(frozen=True)
class Reused:
    outcomes: Outcomes
    engine_label: str


class ChangedCache:
    def __init__(self, store: Store | None, reuse: bool):
        """`reuse`: --changed was given (without it, keys are still kept for a later --changed)."""
        self.store, self.reuse = store, reuse

    def key(self, run: PlannedRun, engines: Engines, catalogue: Catalogue, builder: Builder) -> str:
        if self.store is None:
            return ""
        host = engines.host_machine()
        ids = []
        for ref in images_check.catalogue_images(run.page, catalogue):
            try:
                ids.append(host.client.images.get(ref).id)
            except ENGINE_FAULTS:
                ids.append(f"missing:{ref}")
        if run.run_pass.where is Where.HOST:
            engine = host.label
        else:
            try:
                engine = f"current:{host.client.images.get(engine_images()[Role.CURRENT].ref).id}"
            except ENGINE_FAULTS:
                engine = "current:not built"
        if run.page.isolated:
            engine += ":isolated"
        text = json.dumps([run.page.scenario_key, run.run_pass.kind.value, engine, builder.value, sorted(ids)])
        return hashlib.sha256(text.encode()).hexdigest()

    def reused(self, key: str, blocks: list[Block]) -> Reused | None:
        """With --changed, what passed under this key, if it fits the blocks."""
        if not (self.reuse and key and self.store is not None):
            return None
        entry = (self.store.get(CACHE_KEY, {}) or {}).get(key)
        outcomes = _outcomes(entry, blocks) if entry else None
        return Reused(dict(enumerate(outcomes)), entry.get("engine", "")) if outcomes else None

    def remember(self, key: str, outcomes: Outcomes, engine_label: str) -> None:
        """Keep a page run that passed (every block passed, illustrative or skipped; no update)."""
        if not key or self.store is None:
            return
        ordered = [outcomes[i] for i in sorted(outcomes)]
        kept = (Status.PASSED, Status.ILLUSTRATIVE, Status.SKIPPED)
        if any(o.status not in kept or getattr(o, "updates", ()) for o, _ in ordered):
            return                         # failed, or --update is rewriting the page: its text changes
        times = [t for _, t in ordered if t]
        entry = {"ran_at": min(times) if times else report.now(), "engine": engine_label,
                 "outcomes": [[o.status.value, round(o.duration, 3), getattr(o, "commands", 0), o.reason]
                              for o, _ in ordered]}
        saved = self.store.get(CACHE_KEY, {}) or {}
        saved[key] = entry
        self.store.set(CACHE_KEY, saved)


def _outcomes(entry: dict, blocks: list[Block]) -> list[tuple[Outcome, str]] | None:
    saved = entry.get("outcomes") or []
    if len(saved) != len(blocks):
        return None
    out = []
    for status, duration, commands, reason in saved:
        if status == Status.PASSED:
            out.append((Passed(duration=duration, commands=commands), entry.get("ran_at", "")))
        elif status == Status.ILLUSTRATIVE:
            out.append((Illustrative(why=reason), ""))
        elif status == Status.SKIPPED:
            out.append((Skipped(why=reason), ""))
        else:
            return None
    return out
