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
4. site: the site's build (both languages, from the same sources) by Zensical against
   MkDocs, alternating after a warm-up build of each (ratio = Zensical / MkDocs, the medians
   of the rounds), and how long an edit takes to show in `serve` with each: a page of a
   copy of the project is changed and its address asked until it has the change. No
   Docker engine needed (`--only site`).

Results are printed and written to reports/bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docmodel.page import find_pages, read_page  # noqa: E402
from docmodel.snippets import SnippetStore  # noqa: E402
from docrun.kinds import kind_of  # noqa: E402
from kbutil import poll, proc  # noqa: E402

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
ZENSICAL_PYTHON = ROOT / ".venv-zensical" / "bin" / "python"


def page_script(page) -> str:
    out = ["set -u", 'work=$(mktemp -d) && cd "$work"',
           "before_c=$(docker ps -aq --no-trunc | sort); before_i=$(docker images -aq --no-trunc | sort -u)",
           "before_v=$(docker volume ls -q | sort); before_n=$(docker network ls -q --no-trunc | sort)",
           "exec 4>>\"$work.log\""]
    for block in page.blocks:
        out.extend(kind_of(block).bash(block))
    out.append(CLEANUP)
    return "\n".join(out) + "\n"


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.monotonic()
    try:
        proc.run(cmd, cwd=ROOT, env=env)
    except proc.CommandFailed as failed:
        raise SystemExit(f"bench: {failed}") from None
    return time.monotonic() - start


def site_builds(tmp: Path, rounds: int) -> dict:
    """The site built by MkDocs and by Zensical, alternating; and an edit's way into `serve`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DOCKER_KB_REPORT": str(tmp / "no-report.json")}
    builds = {"mkdocs": [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp / "mkdocs")],
              "zensical": [str(ZENSICAL_PYTHON), "-m", "macros.zensical_site", "build", str(tmp / "zensical")]}
    print("site: warm-up builds (./kb build --zensical makes Zensical's environment)", flush=True)
    timed([str(ROOT / "kb"), "build", "--zensical", str(tmp / "zensical")], env)
    timed(builds["mkdocs"], env)
    times: dict[str, list[float]] = {"mkdocs": [], "zensical": []}
    for r in range(rounds):
        for name in (("mkdocs", "zensical") if r % 2 == 0 else ("zensical", "mkdocs")):
            times[name].append(round(timed(builds[name], env), 2))
        print(f"site round {r + 1}: MkDocs {times['mkdocs'][-1]:.2f}s, Zensical {times['zensical'][-1]:.2f}s",
              flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    result = {"rounds": times, "mkdocs": medians["mkdocs"], "zensical": medians["zensical"],
              "ratio": round(medians["zensical"] / medians["mkdocs"], 3), "edit_to_serve": {}}
    for name in ("mkdocs", "zensical"):
        result["edit_to_serve"][name] = edit_to_serve(name, tmp / f"serve-{name}", env)
        shown = ", ".join(f"{page} {seconds:.2f}s" for page, seconds in result["edit_to_serve"][name].items())
        print(f"site: an edit shows in {name} serve after {shown}", flush=True)
    return result


def edit_to_serve(generator: str, copy: Path, env: dict) -> dict[str, float]:
    """Seconds from saving a page of a copy of the project until `serve` gives the change."""
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".venv-zensical", "reports", "site", ".cache", ".zensical-*", "docker-kb-offline*",
        "__pycache__", ".pytest_cache"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        addr = f"127.0.0.1:{s.getsockname()[1]}"
    command = ([sys.executable, "-m", "mkdocs", "serve", "--no-strict", "-a", addr] if generator == "mkdocs" else
               [str(ZENSICAL_PYTHON), "-m", "macros.zensical_site", "serve", addr])
    server = subprocess.Popen(command, cwd=copy, env={**env, "SITE_URL": f"http://{addr}/"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def shows(path: str, text: str) -> bool:
        with urllib.request.urlopen(f"http://{addr}{path}", timeout=10) as answer:
            return text in answer.read().decode("utf-8")

    found = {}
    try:
        poll.until(lambda: shows("/en/", "<html"), 300, f"{generator} serve")
        for lang, path in (("ko", "/images/"), ("en", "/en/images/")):
            page = copy / "docs" / lang / "images.md"
            mark = f"bench-edit-{time.monotonic_ns()}"
            time.sleep(1.5)                      # watchers settle; the edit is a new one
            page.write_text(page.read_text(encoding="utf-8") + f"\n{mark}\n", encoding="utf-8")
            found[f"{lang}/images.md"] = round(poll.until(lambda path=path, mark=mark: shows(path, mark), 120,
                                                          f"the edit in {generator} serve", interval=0.05), 2)
    except poll.TimedOut as err:
        raise SystemExit(f"bench: {err}") from None
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(copy, ignore_errors=True)
    return found


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="./kb bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs-dir", default=str(ROOT / "docs"))
    ap.add_argument("--rounds", type=int, default=2, help="timed rounds of the overhead comparison (default 2)")
    ap.add_argument("--site-rounds", type=int, default=5, help="timed rounds of each site build (default 5)")
    ap.add_argument("--only", choices=("overhead", "languages", "site"), help="measure one thing")
    args = ap.parse_args(argv)

    if args.only == "site":               # no engine needed
        summary = {"site": site_builds(Path(tempfile.mkdtemp(prefix="kb-bench-")), args.site_rounds)}
        _write(summary)
        return

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
    if args.only is None:
        summary["site"] = site_builds(tmp / "site", args.site_rounds)
    _write(summary)


def _write(summary: dict) -> None:
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "bench.json").write_text(json.dumps(summary, indent=1) + "\n")
    for name, target in TARGETS.items():
        if name in summary:
            ratio = summary[name]["ratio"]
            print(f"{name}: {ratio:.3f} (target <= {target}){'' if ratio <= target else '  ABOVE TARGET'}")
    if "site" in summary:
        site = summary["site"]
        print(f"site: Zensical / MkDocs build time {site['ratio']:.3f} "
              f"(Zensical {site['zensical']:.2f}s, MkDocs {site['mkdocs']:.2f}s, both languages)")
        for name, pages in site["edit_to_serve"].items():
            print(f"site: edit to serve, {name}: " + ", ".join(f"{page} {s:.2f}s" for page, s in pages.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
