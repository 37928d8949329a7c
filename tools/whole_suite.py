"""`./kb test` with no arguments: the whole suite, as two pytest processes side by side.

The tests that need the Docker engine (the docs' examples, the runner, provisioning; marker
`docker`) run in the terminal, with their progress. The others (site builds, browser, unit;
they never touch an engine) run beside them at the same time: most of what they wait on is
not what the engine waits on. Their output goes to reports/beside.log; their summary is
printed at the end. The exit status is the worse of the two.

Ctrl-C reaches both: the engine's side from the terminal, the other from here.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

REPORTS = Path("reports")
BESIDE_LOG = REPORTS / "beside.log"
BESIDE_JUNIT = REPORTS / "junit-beside.xml"


def summary(log: str, failed: bool) -> str:
    """What to print of the side's output: its failures and summary when it failed, else its last line."""
    lines = log.rstrip("\n").splitlines()
    if not lines:
        return "(no output)"
    if failed:
        start = next((i for i, line in enumerate(lines) if line.startswith("=") and
                      (" FAILURES " in line or " ERRORS " in line or " short test summary " in line)), 0)
        return "\n".join(lines[start:])
    return lines[-1]


def main() -> int:
    REPORTS.mkdir(exist_ok=True)
    python = sys.executable
    with open(BESIDE_LOG, "w", encoding="utf-8") as out:
        beside = subprocess.Popen([python, "-m", "pytest", "-m", "not docker", f"--junitxml={BESIDE_JUNIT}", "tests"],
                                  stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  start_new_session=True)
    print(f"kb test: the tests that need no engine run beside these; their output: {BESIDE_LOG}", flush=True)
    signal.signal(signal.SIGINT, lambda *_: beside.send_signal(signal.SIGINT))
    engine_side = subprocess.Popen([python, "-m", "pytest", "-m", "docker", "tests"])
    engine_rc = engine_side.wait()
    if beside.poll() is None:
        print("kb test: waiting for the tests beside to finish", flush=True)
    beside_rc = beside.wait()
    print(f"\n{'=' * 30} the tests beside (no engine) {'=' * 30}")
    print(summary(BESIDE_LOG.read_text(encoding="utf-8", errors="replace"), beside_rc != 0), flush=True)
    return max(engine_rc, beside_rc, key=lambda rc: (rc != 0, abs(rc)))


if __name__ == "__main__":
    sys.exit(main())
