"""`./kb bench`: the runner's costs, as ratios measured in one invocation on one engine.

1. overhead: the docs suite against the same commands in plain bash, alternating after a
   warm-up run (so image pulls and the build cache favour neither). The suite is
   `pytest tests/examples.docrun` on the first pass (collection, shells, comparison,
   snapshots and cleanup, reports); the baseline is one bash script per distinct scenario
   (a page and its translation are one), with the same commands, files written with
   heredocs, readiness waits as polling loops, interactive sessions fed on stdin and the
   same cleanup. Ratio = suite / baseline (target <= 1.05).
2. languages: the whole docs run (every pass, as `./kb test` runs it) against the Korean
   pages alone (`-k ko/`). A page and its translation hold the same scenario and run once,
   so the ratio stays near 1 (target <= 1.15).
3. unchanged: `--changed` after that whole run, with nothing changed, against the whole
   run (target <= 0.10).

Results are printed and written to reports/bench.json.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docmodel.page import ActionBlock, ConsoleBlock, FileBlock, find_pages, read_page  # noqa: E402
from docmodel.snippets import SnippetStore  # noqa: E402
from kbutil import proc  # noqa: E402

CLEANUP = r"""
comm -13 <(echo "$before_c") <(docker ps -aq --no-trunc | sort) | xargs -r docker rm -fv >/dev/null 2>&1
for i in 1 2 3; do
  comm -13 <(echo "$before_i") <(docker images -aq --no-trunc | sort -u) | xargs -r docker rmi -f >/dev/null 2>&1
done
comm -13 <(echo "$before_v") <(docker volume ls -q | sort) | xargs -r docker volume rm -f >/dev/null 2>&1
comm -13 <(echo "$before_n") <(docker network ls -q --no-trunc | sort) | xargs -r docker network rm >/dev/null 2>&1
cd / && rm -rf "$work"
"""
TARGETS = {"overhead": 1.05, "languages": 1.15, "unchanged": 0.10}


def _wait(d) -> str:
    a = d.args
    loop = {
        "wait-http": f"curl -fsS -o /dev/null {shlex.quote(a[0])}",
        "wait-port": f"(exec 3<>/dev/tcp/127.0.0.1/{a[0]})",
        "wait-log": f"docker logs {shlex.quote(a[0])} 2>&1 | grep -qF {shlex.quote(a[1] if len(a) > 1 else '')}",
        "wait-healthy": f"[ \"$(docker inspect -f '{{{{.State.Health.Status}}}}' {shlex.quote(a[0])})\" = healthy ]",
    }[d.name]
    return f"until {loop} 2>/dev/null; do sleep 0.2; done"


def file_script(block: FileBlock) -> list[str]:
    return [f"mkdir -p \"$(dirname {shlex.quote(block.filename)})\"",
            f"cat > {shlex.quote(block.filename)} <<'__BENCH_EOF__'\n{block.content}__BENCH_EOF__"]


def console_script(block: ConsoleBlock) -> list[str]:
    out = []
    for cmd in block.commands:
        if cmd.session:   # no terminal: the session's commands fed on stdin, read line by line by the shell
            (docker,) = cmd.docker
            argv = docker.argv(drop=("-t", "--tty"))
            if docker.path == ("compose", "exec"):
                argv.insert(argv.index("exec") + 1, "-T")
            typed = "\n".join(step.text for step in cmd.session)
            out.append(f"{shlex.join(argv)} >&4 2>&1 <<'__BENCH_EOF__'\n"
                       f"{typed}\n__BENCH_EOF__")
        else:
            out.append(f"{{ {cmd.text}\n}} >&4 2>&1 </dev/null")
    return out


def action_script(block: ActionBlock) -> list[str]:
    if block.directive.name == "setup":
        return [f"{{ {block.directive.script}\n}} >&4 2>&1 </dev/null"]
    return [_wait(block.directive)]


# each kind of block as plain bash (blocks that don't run have no script)
SCRIPTS = {FileBlock: file_script, ConsoleBlock: console_script, ActionBlock: action_script}


def page_script(page) -> str:
    out = ["set -u", 'work=$(mktemp -d) && cd "$work"',
           "before_c=$(docker ps -aq --no-trunc | sort); before_i=$(docker images -aq --no-trunc | sort -u)",
           "before_v=$(docker volume ls -q | sort); before_n=$(docker network ls -q --no-trunc | sort)",
           "exec 4>>\"$work.log\""]
    for block in page.blocks:
        out.extend(SCRIPTS.get(type(block), lambda b: [])(block))
    out.append(CLEANUP)
    return "\n".join(out) + "\n"


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.monotonic()
    try:
        proc.run(cmd, cwd=ROOT, env=env)
    except proc.CommandFailed as failed:
        raise SystemExit(f"bench: {failed}") from None
    return time.monotonic() - start


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="./kb bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs-dir", default=str(ROOT / "docs"))
    ap.add_argument("--rounds", type=int, default=2, help="timed rounds of the overhead comparison (default 2)")
    ap.add_argument("--only", choices=("overhead", "languages"), help="measure one thing")
    args = ap.parse_args(argv)

    from docrun.machine import HostMachine
    from provision import prepare
    from provision.kit import find_kit
    engine = prepare(log=lambda line: print(line, flush=True))
    kit = find_kit() if engine.provisioned else None
    docs = Path(args.docs_dir).resolve()
    own_docs = docs == (ROOT / "docs").resolve()         # someone else's docs have no snippets of ours
    store = SnippetStore(ROOT / "snippets") if own_docs else None
    pages = [read_page(p, docs, store) for p in find_pages(docs)]
    distinct = list({p.scenario_key: p for p in reversed(pages) if not p.isolated}.values())
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    # the scripts get the environment the runner gives a page's shell (the CLI kit included)
    page_env = HostMachine(engine, kit).page_env(False, tmp / "docker-config")
    scripts = []
    for i, page in enumerate(distinct):
        script = tmp / f"{i:02d}-{page.display.replace('/', '_')}.sh"
        script.write_text(page_script(page))
        scripts.append(script)
    baseline = ["bash", "-c", " && ".join(f"bash {shlex.quote(str(s))}" for s in scripts)]

    def pytest(*extra: str) -> list[str]:
        return [sys.executable, "-m", "pytest", "tests/examples.docrun", "-q", "-o", "addopts=-p docrun.plugin",
                "-p", "cacheprovider", "-o", f"cache_dir={tmp / 'cache'}", "--docs-dir", str(docs),
                *(["--snippets-dir", str(ROOT / "snippets")] if own_docs else []), "--report-dir", str(tmp / "reports"),
                f"--junitxml={tmp / 'junit.xml'}", *extra]

    summary: dict = {"engine": engine.label, "pages": len(pages), "distinct_scenarios": len(distinct),
                     "targets": TARGETS}
    if args.only in (None, "overhead"):
        # the first pass, without the pages that run on engines of their own (no plain-bash twin)
        isolated = " and ".join(f"not {p.display}" for p in pages if p.isolated)
        deselect = ["-k", isolated] if isolated else []
        suite = pytest("--docker-builder", "default", "--current-engine", "off", *deselect)
        print(f"bench: {len(pages)} pages ({len(distinct)} distinct scenarios) on {engine.label}; "
              "warm-up run of the suite", flush=True)
        timed(suite)
        rounds = []
        for r in range(args.rounds):
            order = [("baseline", baseline), ("suite", suite)]
            if r % 2:
                order.reverse()
            result = {name: round(timed(cmd, page_env if name == "baseline" else None), 1) for name, cmd in order}
            result["ratio"] = round(result["suite"] / result["baseline"], 3)
            rounds.append(result)
            print(f"overhead round {r + 1}: suite {result['suite']:.1f}s, plain bash {result['baseline']:.1f}s, "
                  f"ratio {result['ratio']:.3f}", flush=True)
        summary["overhead"] = {"rounds": rounds, "ratio": round(statistics.median(r["ratio"] for r in rounds), 3)}
    if args.only in (None, "languages"):
        full = timed(pytest())
        print(f"whole docs (every pass): {full:.1f}s", flush=True)
        korean = timed(pytest("-k", "ko/"))
        print(f"Korean pages alone: {korean:.1f}s", flush=True)
        unchanged = timed(pytest("--changed"))
        print(f"--changed with nothing changed: {unchanged:.1f}s", flush=True)
        summary["languages"] = {"all": round(full, 1), "korean": round(korean, 1), "ratio": round(full / korean, 3)}
        summary["unchanged"] = {"changed": round(unchanged, 1), "all": round(full, 1),
                                "ratio": round(unchanged / full, 3)}
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "bench.json").write_text(json.dumps(summary, indent=1) + "\n")
    for name, target in TARGETS.items():
        if name in summary:
            ratio = summary[name]["ratio"]
            print(f"{name}: {ratio:.3f} (target <= {target}){'' if ratio <= target else '  ABOVE TARGET'}")


if __name__ == "__main__":
    main(sys.argv[1:])
