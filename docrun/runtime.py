"""The state of one test run: the engines in use, what each block did, pending edits."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from provision import Engine

from . import report, update
from .passes import Pass
from .scenario import Options


@dataclass
class Runtime:
    config: pytest.Config
    engine: Engine | None = None              # the engine found or provisioned
    current: Engine | None = None             # a current engine started beside it, if any
    engine_info: dict = field(default_factory=dict)
    engines: dict[str, dict] = field(default_factory=dict)   # label -> info, every engine used
    ports: list[int] = field(default_factory=list)            # what a current engine must forward
    records: list[report.BlockRecord] = field(default_factory=list)
    edits: list[update.Edit] = field(default_factory=list)
    started: str = field(default_factory=report.now)
    docs_dir: str = ""
    report: dict | None = None
    report_path: Path | None = None
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        """Progress for the person watching, past pytest's output capture."""
        tr = self.config.pluginmanager.get_plugin("terminalreporter")
        capman = self.config.pluginmanager.get_plugin("capturemanager")
        if tr is None:
            return
        if capman is None:
            tr.write_line(line)
            return
        with capman.global_and_fixture_disabled():
            tr.write_line(line)

    @staticmethod
    def _info(engine: Engine, builder: str) -> dict:
        return {"label": engine.label, "version": engine.version, "api_version": engine.api_version,
                "os_arch": engine.os_arch, "builder": builder}

    def ensure_engine(self) -> Engine:
        if self.engine is None:
            from provision import prepare
            self.engine = prepare(log=self.say)
            self.engine_info = self._info(self.engine, self._default_builder())
            self.engines[self.engine.label] = self.engine_info
            self.say(f"docrun: {self.engine.label}, {self.engine_info['builder']}")
        return self.engine

    def engine_for(self, run_pass: Pass) -> Engine:
        host = self.ensure_engine()
        if run_pass.engine == "host":
            return host
        if self.current is None:
            from provision import current_engine
            from provision.images import ensure_images
            self.current = current_engine.start(host, self.ports, log=self.say)
            ensure_images(self.current, log=self.say)
            self.engines[self.current.label] = self._info(self.current, "BuildKit")
            self.say(f"docrun: {self.current.label}, BuildKit, for the current-engine pass")
        return self.current

    def stop_current_engine(self) -> None:
        if self.current is not None:
            from provision import current_engine
            current_engine.stop(self.engine)
            self.current = None

    def _default_builder(self) -> str:
        """The builder `docker build` uses here by default."""
        if self.config.getoption("docker_builder") == "classic" or os.environ.get("DOCKER_BUILDKIT") == "0":
            return "classic builder"
        from provision.buildx import has_buildx
        return "BuildKit" if has_buildx() else "classic builder"

    def builder_name(self, run_pass: Pass) -> str:
        if run_pass.builder == "classic":
            return "classic builder"
        return "BuildKit" if run_pass.engine == "current" else self.engine_info.get("builder", "")

    def engine_label(self, run_pass: Pass) -> str:
        engine = self.current if run_pass.engine == "current" else self.engine
        return engine.label if engine else ""

    def options(self, run_pass: Pass) -> Options:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
        env.update({"DOCKER_CLI_HINTS": "false", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
        if run_pass.builder == "classic":
            env["DOCKER_BUILDKIT"] = "0"
        if run_pass.engine == "current":
            from provision.current_engine import docker_host
            env["DOCKER_HOST"] = docker_host()
        return Options(timeout=self.config.getoption("block_timeout"),
                       update=self.config.getoption("update"), env=env,
                       on_wait=lambda: self.say("docrun: another run is using this engine; waiting for it"))


RUNTIME = pytest.StashKey[Runtime]()
