"""`./kb flake-hunt N [PYTEST ARGS]`: run the docs N times under load and list the blocks whose
result changed, or that failed in any run.

Expected outputs must hold on a busy machine too (BuildKit prints its steps in another order
when the machine is loaded; a readiness wait comes late). While each run goes, the machine
is kept busy:

- one CPU burner per core (`nice`d, so the docs still get their share, as on a laptop that
  compiles something beside them);
- a second Docker build after another, with BuildKit and `--no-cache`, on an engine of its
  own started in a container (so the pages' snapshots and cleanup never see it), whenever
  the engine here was provisioned by the tests; otherwise a build loop on the engine here
  would be seen by the pages, so only the CPU burners run.

Each run writes its report to reports/flake-hunt/run-K/blocks.json; the summary goes to
reports/flake-hunt/summary.json. The exit status is 1 when a block changed or failed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "reports" / "flake-hunt"
LOAD_DOCKERFILE = """\
FROM busybox
RUN i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done; echo $i > /n
RUN dd if=/dev/urandom of=/blob bs=1M count=64 2>/dev/null && sha256sum /blob > /sum && rm /blob
"""


def _burn(stop) -> None:
    os.nice(5)
    while not stop.is_set():
        sum(i * i for i in range(20000))


class Load:
    """CPU burners and, where it can, a build loop on an engine of its own."""

    def __init__(self):
        self.stop = multiprocessing.Event()
        self.burners = [multiprocessing.Process(target=_burn, args=(self.stop,), daemon=True)
                        for _ in range(os.cpu_count() or 2)]
        self.builds = 0
        self._engine = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Load:
        for p in self.burners:
            p.start()
        from provision import ProvisionError
        from provision.engine import ENGINE_FAULTS
        try:
            self._start_builds()
        except (*ENGINE_FAULTS, ProvisionError) as err:
            print(f"flake-hunt: CPU load only this run: the build loop's engine did not start ({err})")
        return self

    def _start_builds(self) -> None:
        from provision import prepare
        from provision.checked_on import Role
        from provision.machines import remove, start_engine_container
        host = prepare(log=lambda line: None)
        if not host.provisioned:
            print("flake-hunt: CPU load only (a build loop needs an engine provisioned by the tests)")
            return
        work = Path(tempfile.mkdtemp(prefix="kb-flake-load-"))
        (work / "Dockerfile").write_text(LOAD_DOCKERFILE)
        self._engine = start_engine_container(host, Role.CURRENT, run_id=f"flake{os.getpid()}", role="load",
                                              mounts=[work], log=lambda line: None)
        self._remove = lambda: remove(host.client, self._engine.container_id)
        env = {**os.environ, "DOCKER_HOST": self._engine.base_url}

        def builds():
            while not self.stop.is_set():
                done = subprocess.run(["docker", "build", "-q", "--no-cache", str(work)], env=env,
                                      capture_output=True, timeout=600)
                self.builds += done.returncode == 0

        self._thread = threading.Thread(target=builds, daemon=True)
        self._thread.start()

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for p in self.burners:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
        if self._engine is not None:
            from provision.engine import ENGINE_FAULTS
            try:
                self._remove()
            except ENGINE_FAULTS as err:
                print(f"flake-hunt: the build loop's engine could not be removed now ({err}); "
                      "the next run removes it")


def _key(block: dict) -> tuple:
    return block["page"], block["line"], block.get("engine", ""), block.get("builder", "")


def compare(reports: list[dict]) -> list[dict]:
    """The blocks whose status differed between runs, or that failed (or did not run) in one."""
    seen: dict[tuple, list[str]] = defaultdict(list)
    reasons: dict[tuple, set[str]] = defaultdict(set)
    for rep in reports:
        for b in rep.get("blocks", []):
            if b["status"] in ("illustrative", "skipped"):
                continue
            key = (b["page"], b["line"])
            seen[key].append(b["status"])
            if b["status"] != "passed":
                reasons[key].add(b.get("reason", ""))
    return [{"page": page, "line": line, "statuses": statuses, "reasons": sorted(reasons[(page, line)])}
            for (page, line), statuses in sorted(seen.items())
            if len(set(statuses)) > 1 or any(s != "passed" for s in statuses)]


def main(argv: list[str]) -> int:
    if not argv or not argv[0].isdigit() or int(argv[0]) < 1:
        print("usage: ./kb flake-hunt N [PYTEST ARGS]   (N runs of the docs under load)", file=sys.stderr)
        return 2
    runs, extra = int(argv[0]), argv[1:]
    reports = []
    started = time.monotonic()
    for k in range(1, runs + 1):
        out = OUT / f"run-{k}"
        out.mkdir(parents=True, exist_ok=True)
        print(f"flake-hunt: run {k} of {runs} under load", flush=True)
        with Load() as load:
            t0 = time.monotonic()
            subprocess.run([sys.executable, "-m", "pytest", "tests/examples.docrun", "-q", "-p", "no:cacheprovider",
                            "--report-dir", str(out.relative_to(ROOT)), *extra], cwd=ROOT)
            print(f"flake-hunt: run {k} took {time.monotonic() - t0:.0f} s, with {load.builds} load builds "
                  f"beside it", flush=True)
        rep = json.loads((out / "blocks.json").read_text()) if (out / "blocks.json").exists() else {}
        reports.append(rep)
    found = compare(reports)
    summary = {"runs": runs, "seconds": round(time.monotonic() - started), "blocks": len({
        (b["page"], b["line"]) for r in reports for b in r.get("blocks", [])}), "changed": found}
    (OUT / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    print(f"flake-hunt: {runs} runs under load, {summary['blocks']} blocks, "
          f"{len(found)} changed or failed (reports/flake-hunt/summary.json)")
    for f in found:
        print(f"  {f['page']}:{f['line']}: {' / '.join(f['statuses'])}  {'; '.join(r for r in f['reasons'] if r)}")
    return 1 if found else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit("flake-hunt: interrupted; the reports of the runs that ended are in reports/flake-hunt/")
