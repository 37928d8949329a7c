"""`./kb report merge DIR... [--out DIR]`: the reports of the shards of one run
(`./kb test --shard K/N`, each in its own folder with blocks.json and junit.xml) joined into
one blocks.json and one junit.xml (default: reports/), as an unsharded run would have
written them; the page states carry over from the blocks.json already there."""

from __future__ import annotations

import json
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docrun import report  # noqa: E402
from kbutil.files import write_atomically  # noqa: E402

USAGE = "usage: ./kb report merge DIR... [--out DIR]"


def merge_junit(paths: list[Path]) -> ET.ElementTree:
    """The test cases of several JUnit files in one suite, its counts summed."""
    suites = ET.Element("testsuites")
    merged = ET.SubElement(suites, "testsuite", name="pytest")
    totals = dict.fromkeys(("tests", "errors", "failures", "skipped"), 0)
    time = 0.0
    for path in paths:
        for suite in ET.parse(path).getroot().iter("testsuite"):
            for key in totals:
                totals[key] += int(suite.get(key, 0))
            time += float(suite.get("time", 0))
            merged.extend(suite.findall("testcase"))
    for key, value in totals.items():
        merged.set(key, str(value))
    merged.set("time", f"{time:.3f}")
    return ET.ElementTree(suites)


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "merge":
        print(USAGE, file=sys.stderr)
        return 2
    caller = Path(os.environ.get("KB_CALLER_DIR", os.getcwd()))
    args, out = argv[1:], ROOT / "reports"
    if "--out" in args:
        i = args.index("--out")
        if i + 1 >= len(args):
            print(USAGE, file=sys.stderr)
            return 2
        out = (caller / args[i + 1]).resolve()
        del args[i:i + 2]
    folders = [(caller / a).resolve() for a in args]
    missing = [str(f / "blocks.json") for f in folders if not (f / "blocks.json").is_file()]
    if not folders or missing:
        print(f"kb report merge: no report in {', '.join(missing) or '(no folders)'}\n{USAGE}", file=sys.stderr)
        return 2
    try:
        parts = [json.loads((f / "blocks.json").read_text(encoding="utf-8")) for f in folders]
        merged = report.merge(parts, report.read(out / "blocks.json"))
    except (ValueError, KeyError) as err:
        print(f"kb report merge: {err}", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    write_atomically(out / "blocks.json", json.dumps(merged, ensure_ascii=False, indent=1) + "\n")
    junits = [f / "junit.xml" for f in folders if (f / "junit.xml").is_file()]
    if junits:
        tree = merge_junit(junits)
        write_atomically(out / "junit.xml", ET.tostring(tree.getroot(), encoding="unicode") + "\n")
    print(f"kb report merge: {len(folders)} reports into {out}: {report.summary_line(merged['summary'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
