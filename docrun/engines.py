"""The engines of one test run: the host engine (found or provisioned), the current engine
started in a container for the current-engine pass, and the fresh engines that
isolated pages get. Everything this run starts carries its run id, and `close()`
removes it all, whenever the run ends (passed, failed, Ctrl-C during start-up).
"""

from __future__ import annotations

import functools
import itertools
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from provision import Engine, ProvisionError, prepare
from provision.catalogue import Catalogue
from provision.checked_on import Builder, Role, is_old
from provision.engine import ENGINE_FAULTS
from provision.kit import find_kit
from provision.machines import EngineContainer, remove, remove_abandoned, remove_run, start_engine_container

from .machine import ContainerMachine, HostMachine, Machine
from .passes import Pass, Where
from .scenario import EngineStopped


class Engines:
    def __init__(self, log: Callable[[str], None], catalogue: Catalogue | None = None):
        self.log, self.catalogue = log, catalogue
        self.run_id = uuid.uuid4().hex[:10]
        self.workroot = Path(tempfile.mkdtemp(prefix=f"docrun-{self.run_id}-"))
        self.workroot.chmod(0o755)
        self.host: HostMachine | None = None
        self.current: ContainerMachine | None = None
        self.used: dict[str, dict] = {}          # engine label -> what the report says of it
        self.stopped: set[str] = set()           # addresses of engines that stopped answering during the run
        self._containers: list[EngineContainer] = []
        self._numbers = itertools.count()
        self._lock = threading.RLock()           # the background current-engine pass shares this object

    def mark_stopped(self, address: str) -> None:
        """An engine stopped answering: the pages left on it are not run."""
        with self._lock:
            known = address in self.stopped
            self.stopped.add(address)
        if not known:
            self.log(f"docrun: the Docker engine at {address} stopped answering; "
                     "the pages left to run on it are reported as not run")

    # -- the host engine ------------------------------------------------------------------
    def host_machine(self) -> HostMachine:
        if self.host is None:
            engine = prepare(log=self.log, catalogue=self.catalogue)
            self.host = HostMachine(engine, find_kit() if engine.provisioned else None)
            removed = remove_abandoned(engine.client)
            if removed:
                self.log(f"docrun: removed {removed} engine container(s) left by runs that were killed")
            self.log(f"docrun: {engine.label}, {self.default_builder}")
        return self.host

    @property
    def host_engine(self) -> Engine:
        return self.host_machine().engine

    @functools.cached_property
    def default_builder(self) -> Builder:
        """The builder `docker build` uses on the host by default (asked once per run)."""
        host = self.host_machine()
        if host.kit or not is_old(host.engine.version):
            return Builder.BUILDKIT
        from kbutil.proc import succeeds
        return Builder.BUILDKIT if succeeds(["docker", "buildx", "version"]) else Builder.CLASSIC

    def builder(self, run_pass: Pass) -> Builder:
        if run_pass.classic:
            return Builder.CLASSIC
        return Builder.BUILDKIT if run_pass.where is Where.CURRENT else self.default_builder

    # -- machines for a page run ----------------------------------------------------------
    def machine_for(self, run_pass: Pass, isolated: bool) -> tuple[Machine, Callable[[], None]]:
        """The machine a page runs on in this pass, and what to call when the page is done."""
        host = self.host_machine()
        if host.address in self.stopped:
            raise EngineStopped(host.address)
        if isolated:
            kind = Role.CURRENT if run_pass.where is Where.CURRENT or not is_old(host.engine.version) \
                else Role.PROVISIONED
            container = self._start(kind, "isolated")
            machine = ContainerMachine(container)
            return machine, lambda: self._quietly(f"removing the engine {container.name}",
                                                  lambda: self._stop(container))
        if run_pass.where is Where.HOST:
            return host, lambda: None
        if self.current is not None and self.current.address in self.stopped:
            raise EngineStopped(self.current.address)
        return self.start_current(), lambda: None

    def start_current(self) -> ContainerMachine:
        """The current engine, started (with the catalogue images) if it is not running yet."""
        with self._lock:
            if self.current is None:
                from provision.images import ensure_images
                self.current = ContainerMachine(self._start(Role.CURRENT, "current"))
                ensure_images(self.current.engine, self.catalogue, log=self.log)
                self.log(f"docrun: {self.current.label}, BuildKit, for the current-engine pass")
            return self.current

    def _start(self, kind: Role, role: str) -> EngineContainer:
        container = start_engine_container(self.host_engine, kind, run_id=self.run_id, role=role,
                                           mounts=[self.workroot], log=self.log,
                                           name=f"docker-kb-{role}-{self.run_id}-{next(self._numbers)}")
        self._containers.append(container)
        return container

    def _stop(self, container: EngineContainer) -> None:
        remove(self.host_engine.client, container.container_id)
        if container in self._containers:
            self._containers.remove(container)

    def note(self, machine: Machine, builder: Builder, isolated: bool = False) -> None:
        """Remember an engine and builder pages ran with, for the report, with the versions of
        the catalogue images on it (read once per engine; an isolated page's fresh engine
        pulls the same images from the mirror)."""
        e = machine.engine
        with self._lock:
            info = self.used.setdefault(e.label, {"label": e.label, "version": e.version,
                                                  "api_version": e.api_version, "os_arch": e.os_arch,
                                                  "role": machine.role, "builders": []})
            if builder and builder not in info["builders"]:
                info["builders"].append(builder)
            if isolated or "images" in info:
                return
            info["images"] = {}
        from provision.images import image_versions
        try:
            info["images"] = image_versions(machine.client, self.catalogue)
        except (*ENGINE_FAULTS, ProvisionError) as err:
            self.log(f"docrun: could not read the catalogue images' versions on {e.label}: {err}")

    def stop_current(self) -> None:
        if self.current is not None:
            container, self.current = self.current.container, None
            self._quietly(f"stopping the current engine {container.name}", lambda: self._stop(container))

    def close(self) -> None:
        """Remove every engine container this run started, and the run's directory. Never raises:
        whatever state the engine is in, the run still ends with its summary and reports."""
        if self.host is not None:
            self._quietly("removing the run's engine containers",
                          lambda: remove_run(self.host.engine.client, self.run_id))
            self._containers.clear()
            self.current = None
        shutil.rmtree(self.workroot, ignore_errors=True)

    def _quietly(self, what: str, action: Callable[[], object]) -> None:
        """Clean-up that must not end the run: a failure is said, not raised."""
        try:
            action()
        except (*ENGINE_FAULTS, ProvisionError) as err:
            self.log(f"docrun: {what} failed: the engine at {self.host.address if self.host else '?'} did not "
                     f"answer ({type(err).__name__}); the next run removes what is left")
