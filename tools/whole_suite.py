"""`./kb test` with no arguments: the whole suite, as two pytest processes side by side.

The tests that need the Docker engine (the docs' examples, the runner, provisioning; marker
`docker`) run in the terminal, with their progress, and then the browser tests (`browser`):
those wait on a page's scripts, which a machine busy with the engine's tests delays past what
a reader would ever see. The others (site builds, unit tests, the tools; they touch neither)
run beside them at the same time. Their output goes to reports/beside.log; their summary is
printed at the end. The exit status is the worse of the two.

Ctrl-C reaches both: the terminal's side from the terminal, the other from here; a SIGTERM
to this process is passed on to both.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

REPORTS = Path("reports")
HERE = "docker or browser"              # the markers of the tests run in the terminal
BESIDE = f"not ({HERE})"
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
        beside = subprocess.Popen([python, "-m", "pytest", "-m", BESIDE, f"--junitxml={BESIDE_JUNIT}", "tests"],
                                  stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  start_new_session=True)
    print(f"kb test: the tests that need neither the engine nor the browser run beside these; "
          f"their output: {BESIDE_LOG}", flush=True)
    children = [beside]

    def forward(signum, _frame):                # Ctrl-C reaches the terminal's side by itself
        for child in children if signum == signal.SIGTERM else [beside]:
            child.send_signal(signum)
    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    engine_side = subprocess.Popen([python, "-m", "pytest", "-m", HERE, "tests"])
    children.append(engine_side)
    engine_rc = engine_side.wait()
    if beside.poll() is None:
        print("kb test: waiting for the tests beside to finish", flush=True)
    beside_rc = beside.wait()
    print(f"\n{'=' * 30} the tests beside (no engine, no browser) {'=' * 30}")
    print(summary(BESIDE_LOG.read_text(encoding="utf-8", errors="replace"), beside_rc != 0), flush=True)
    return max(engine_rc, beside_rc, key=lambda rc: (rc != 0, abs(rc)))


if __name__ == "__main__":
    sys.exit(main())
