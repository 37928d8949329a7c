"""`./kb check DIR [--images FILE] [PYTEST ARGS]`: run the examples of a folder of Markdown that is
not this project's (someone else's docs), and only those, with the same reports
(reports/blocks.json, reports/junit.xml). FILE names the images that folder may use, in the
format of provision/images.yml (an image without an offline recipe is pulled). Relative paths
start where ./kb was called from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USAGE = "usage: ./kb check DIR [--images FILE] [PYTEST ARGS]"


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    caller = Path(os.environ.get("KB_CALLER_DIR", os.getcwd()))
    docs = (caller / argv[0]).resolve()
    if not docs.is_dir():
        print(f"kb check: {docs}: no such folder\n{USAGE}", file=sys.stderr)
        return 2
    rest, extra = argv[1:], []
    while rest:
        arg = rest.pop(0)
        if arg == "--images" or arg.startswith("--images="):
            value = arg.partition("=")[2] or (rest.pop(0) if rest else "")
            images = (caller / value).resolve()
            if not images.is_file():
                print(f"kb check: --images {images}: no such file\n{USAGE}", file=sys.stderr)
                return 2
            extra += ["--images", str(images)]
        else:
            extra.append(arg)
    command = [sys.executable, "-m", "pytest", str(ROOT / "tests" / "examples.docrun"), "--docs-dir", str(docs),
               "-p", "no:cacheprovider", *extra]
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
