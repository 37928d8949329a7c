"""`./kb archive [DIR]`: a copy of the site that opens from the file system, search included.

Material's offline plugin (enabled by OFFLINE=true, see mkdocs.yml) switches links to
`.html` files and inlines the search index into a script, and the vendored
iframe-worker shim runs the search worker from file://. Both languages are built,
as always. The result is DIR/ and DIR.zip; open DIR/index.html in a browser.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from kbutil import proc

ROOT = Path(__file__).resolve().parent.parent


def build_archive(target: Path) -> Path:
    target = target.resolve()
    env = {**os.environ, "OFFLINE": "true", "NO_MKDOCS_2_WARNING": "1"}
    try:
        proc.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(target)], cwd=ROOT, env=env)
    except proc.CommandFailed as failed:
        raise SystemExit(f"archive: {failed}") from None
    (target / "README.txt").write_text(
        "Docker KB, offline copy. Open index.html (한국어) or en/index.html (English) in a browser.\n",
        encoding="utf-8")
    zip_path = Path(shutil.make_archive(str(target), "zip", root_dir=target.parent, base_dir=target.name))
    return zip_path


def main(argv: list[str]) -> None:
    target = Path(argv[0] if argv else "docker-kb-offline")
    zip_path = build_archive(target)
    print(f"offline copy: {target.resolve()}/index.html")
    print(f"zipped:       {zip_path}")


if __name__ == "__main__":
    main(sys.argv[1:])
