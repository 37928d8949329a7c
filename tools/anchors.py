"""`./kb anchors [--update]`: the pages and anchors the site publishes, against docs/published.yml.

The site is built (MkDocs, both languages, strict, into a temporary folder), and that build
already fails, naming them, when a recorded page or anchor is gone without a redirect in
docs/redirects.yml (macros/addresses.py). Then the pages and anchors the build has that the
list doesn't are named; `--update` adds them. Nothing is ever removed from the list.
Run in the project's root (./kb does).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from kbutil import proc
from macros import addresses
from macros.site import read_site
from macros.translations import subfolder

SHOWN = 40     # addresses listed at most when checking


def built_addresses(root: Path, site_dir: Path) -> tuple[Path, dict[str, set[str]]]:
    """(the docs folder, every page of every language in the build at `site_dir` -> its anchors)."""
    from mkdocs.config import load_config

    default = load_config(config_file=str(root / "mkdocs.yml"))
    found: dict[str, set[str]] = {}
    docs_root = None
    for name in ["mkdocs.yml", *(default.extra.get("build_also") or [])]:
        config = default if name == "mkdocs.yml" else load_config(config_file=str(root / name))
        site = read_site(config, root)
        docs_root = site.docs_dir.parent
        where = site_dir if name == "mkdocs.yml" else site_dir / subfolder(root, name, config.site_dir)
        found |= addresses.built_pages(site, where)
    return docs_root, found


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="./kb anchors", description=__doc__.split("\n\n")[0])
    ap.add_argument("--update", action="store_true", help="add the new pages and anchors to docs/published.yml")
    args = ap.parse_args(argv)
    root = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="kb-anchors-") as tmp:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DOCKER_KB_REPORT": str(Path(tmp) / "no-report.json")}
        try:
            proc.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(Path(tmp) / "site")],
                     cwd=root, env=env)
        except proc.CommandFailed as failed:
            shown = [line for line in failed.output.splitlines() if line.startswith(("ERROR", "WARNING", "  "))]
            raise SystemExit("kb anchors: the site doesn't build:\n" + "\n".join(shown or [failed.output])) from None
        docs_root, built = built_addresses(root, Path(tmp) / "site")
    recorded = {key: anchors for key, (anchors, _line) in addresses.load_published(docs_root).items()}
    new = {key: sorted(ids - set(recorded.get(key, []))) for key, ids in built.items()}
    new = {key: anchors for key, anchors in new.items() if anchors or key not in recorded}
    listed = [f"{key}#{anchor}" for key, anchors in sorted(new.items()) for anchor in anchors]
    listed += [key for key in sorted(new) if not new[key]]
    shown = f"{docs_root.name}/{addresses.PUBLISHED}"
    if not new:
        print(f"kb anchors: {shown} has every page and anchor of the site "
              f"({len(built)} pages, {sum(len(ids) for ids in built.values())} anchors)")
        return
    if not args.update:
        print(f"kb anchors: not in {shown} yet ({len(listed)}): ./kb anchors --update adds them", file=sys.stderr)
        print("\n".join(f"  {item}" for item in listed[:SHOWN]), file=sys.stderr)
        if len(listed) > SHOWN:
            print(f"  ... and {len(listed) - SHOWN} more", file=sys.stderr)
        raise SystemExit(1)
    merged = {key: sorted(set(recorded.get(key, [])) | set(new.get(key, []))) for key in {*recorded, *new}}
    addresses.write_published(docs_root, merged)
    print(f"kb anchors: added to {shown} ({len(listed)}):")
    print("\n".join(f"  {item}" for item in listed))


if __name__ == "__main__":
    main(sys.argv[1:])
