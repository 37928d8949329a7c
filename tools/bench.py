"""`./kb bench`: the runner's overhead, as a ratio against the same commands in plain bash.

Both run in the same invocation, on the same engine, alternating, after one warm-up
run of the suite (so image pulls and the build cache don't favour either side):

- the suite: `pytest tests/examples.docrun` (collection, shells, output comparison,
  snapshots and cleanup, reports);
- the baseline: one bash script per page with the same commands in the same order,
  files written with heredocs, readiness waits as polling loops, interactive sessions
  fed on stdin, and the same cleanup (remove what appeared since the page began).

The ratio is suite wall time / baseline wall time (target: <= 1.15). Results go to
reports/bench.json.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docrun.page import ActionBlock, ConsoleBlock, FileBlock, find_pages, read_page  # noqa: E402
from macros.snippets import SnippetStore  # noqa: E402

CLEANUP = r"""
comm -13 <(echo "$before_c") <(docker ps -aq --no-trunc | sort) | xargs -r docker rm -fv >/dev/null 2>&1
for i in 1 2 3; do
  comm -13 <(echo "$before_i") <(docker images -aq --no-trunc | sort -u) | xargs -r docker rmi -f >/dev/null 2>&1
done
comm -13 <(echo "$before_v") <(docker volume ls -q | sort) | xargs -r docker volume rm -f >/dev/null 2>&1
comm -13 <(echo "$before_n") <(docker network ls -q --no-trunc | sort) | xargs -r docker network rm >/dev/null 2>&1
cd / && rm -rf "$work"
"""


def _no_tty(command: str) -> str:
    """`docker run -it ...` fed on stdin instead of a terminal."""
    return re.sub(r"(?<=\s)-(?:it|ti)(?=\s)", "-i", re.sub(r"\s--tty(?=\s)", "", command), count=1)


def _wait(d) -> str:
    a = d.args
    loop = {
        "wait-http": f"curl -fsS -o /dev/null {shlex.quote(a[0])}",
        "wait-port": f"(exec 3<>/dev/tcp/127.0.0.1/{a[0]})",
        "wait-log": f"docker logs {shlex.quote(a[0])} 2>&1 | grep -qF {shlex.quote(a[1] if len(a) > 1 else '')}",
        "wait-healthy": f"[ \"$(docker inspect -f '{{{{.State.Health.Status}}}}' {shlex.quote(a[0])})\" = healthy ]",
    }[d.name]
    return f"until {loop} 2>/dev/null; do sleep 0.2; done"


def page_script(page) -> str:
    out = ["set -u", 'work=$(mktemp -d) && cd "$work"',
           "before_c=$(docker ps -aq --no-trunc | sort); before_i=$(docker images -aq --no-trunc | sort -u)",
           "before_v=$(docker volume ls -q | sort); before_n=$(docker network ls -q --no-trunc | sort)",
           "exec 4>>\"$work.log\""]
    for block in page.blocks:
        if isinstance(block, FileBlock):
            out.append(f"mkdir -p \"$(dirname {shlex.quote(block.filename)})\"")
            out.append(f"cat > {shlex.quote(block.filename)} <<'__BENCH_EOF__'\n{block.content}__BENCH_EOF__")
        elif isinstance(block, ConsoleBlock):
            for cmd in block.commands:
                if cmd.session:
                    typed = "\n".join(step.text for step in cmd.session)
                    out.append(f"{_no_tty(cmd.text)} >&4 2>&1 <<'__BENCH_EOF__'\n{typed}\n__BENCH_EOF__")
                else:
                    out.append(f"{{ {cmd.text}\n}} >&4 2>&1 </dev/null")
        elif isinstance(block, ActionBlock):
            if block.directive.name == "setup":
                out.append(f"{{ {block.directive.script}\n}} >&4 2>&1 </dev/null")
            else:
                out.append(_wait(block.directive))
    out.append(CLEANUP)
    return "\n".join(out) + "\n"


def timed(cmd: list[str], **kw) -> float:
    start = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    took = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd[:4])}... failed:\n{done.stdout[-3000:]}")
    return took


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="./kb bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs-dir", default=str(ROOT / "docs"))
    ap.add_argument("--rounds", type=int, default=2, help="timed rounds of each (default 2)")
    args = ap.parse_args(argv)

    from provision import prepare
    engine = prepare(log=lambda line: print(line, flush=True))
    docs = Path(args.docs_dir).resolve()
    store = SnippetStore(ROOT / "snippets")
    pages = [read_page(p, docs, store) for p in find_pages(docs)]
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    scripts = []
    for i, page in enumerate(pages):
        script = tmp / f"{i:02d}-{page.display.replace('/', '_')}.sh"
        script.write_text(page_script(page))
        scripts.append(script)
    baseline = ["bash", "-c", " && ".join(f"bash {shlex.quote(str(s))}" for s in scripts)]
    suite = [sys.executable, "-m", "pytest", "tests/examples.docrun", "-q", "-p", "no:cacheprovider",
             "-o", "addopts=-p docrun.plugin", "--docker-builder", "default", "--current-engine", "off",
             "--docs-dir", str(docs), "--snippets-dir", str(ROOT / "snippets"),
             "--report-dir", str(tmp / "reports"), f"--junitxml={tmp / 'junit.xml'}"]

    print(f"bench: {len(pages)} pages on {engine.label}; warm-up run of the suite", flush=True)
    timed(suite)
    rounds = []
    for r in range(args.rounds):
        order = [("baseline", baseline), ("suite", suite)]
        if r % 2:
            order.reverse()
        result = {name: timed(cmd) for name, cmd in order}
        result["ratio"] = result["suite"] / result["baseline"]
        rounds.append(result)
        print(f"round {r + 1}: suite {result['suite']:.1f}s, plain bash {result['baseline']:.1f}s, "
              f"ratio {result['ratio']:.3f}", flush=True)
    ratio = statistics.median(r["ratio"] for r in rounds)
    summary = {"engine": engine.label, "pages": len(pages), "rounds": rounds, "ratio_median": round(ratio, 3),
               "target": 1.15}
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "bench.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(f"overhead ratio (median of {len(rounds)}): {ratio:.3f} (target <= 1.15)")


if __name__ == "__main__":
    main(sys.argv[1:])
