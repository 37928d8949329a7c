"""`./kb translation ack|diff|status`: which version of the Korean original each translation follows.

- `ack PAGE...` records in each translation of PAGE (docs/en/PAGE) that it follows the original
  as it is now: `<!-- original_revision: ... -->` at its end, the last commit that changed the
  original (commit the original first). The page's notice goes once that is committed.
- `diff PAGE` prints the original's changes since the version its translations follow.
- `status` lists every translation, the version it follows and whether it is behind.

The rule is macros/freshness.py's; PAGE is `containers.md`, `en/containers.md` or
`docs/ko/containers.md`. Run in the project's root (./kb does).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from macros import freshness
from macros.git_dates import History


def languages(root: Path) -> tuple[Path, str, list[str]]:
    """(the docs folder, the original's language, the translations' languages) from mkdocs.yml."""
    from mkdocs.config import load_config

    config = load_config(config_file=str(root / "mkdocs.yml"))
    docs_root = Path(config.docs_dir).parent
    langs = [entry["lang"] for entry in config.extra.get("languages") or []]
    if len(langs) < 2:
        raise SystemExit("kb translation: mkdocs.yml lists fewer than two languages (extra.languages)")
    return docs_root, langs[0], langs[1:]


def page_name(given: str, docs_root: Path, langs: list[str]) -> str:
    name = given.removeprefix("./").removeprefix(f"{docs_root.name}/")
    first, _, rest = name.partition("/")
    if first in langs and rest:
        name = rest
    return name if name.endswith(".md") else f"{name}.md"


def _uncommitted(root: Path, path: Path) -> bool:
    done = subprocess.run(["git", "status", "--porcelain", "--", str(path)], cwd=root, capture_output=True, text=True)
    return done.returncode != 0 or bool(done.stdout.strip())


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="./kb translation", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("ack", help="record that the translations of PAGE follow the original as it is now") \
        .add_argument("pages", nargs="+", metavar="PAGE")
    sub.add_parser("diff", help="the original's changes since the version its translations follow") \
        .add_argument("pages", nargs="+", metavar="PAGE")
    sub.add_parser("status", help="every translation: the version it follows, and whether it is behind")
    args = ap.parse_args(argv)
    root = Path.cwd()
    docs_root, original_lang, translated = languages(root)
    history = History.of(docs_root)
    if history is None:
        raise SystemExit("kb translation: this is not a git checkout with commits: there is no revision to name")
    names = ([page_name(p, docs_root, [original_lang, *translated]) for p in args.pages] if args.command != "status"
             else sorted(p.relative_to(docs_root / original_lang).as_posix()
                         for p in (docs_root / original_lang).rglob("*.md")))
    failed = False
    for name in names:
        original = docs_root / original_lang / name
        if not original.is_file():
            raise SystemExit(f"kb translation: there is no {original.relative_to(root)}")
        for lang in translated:
            page = docs_root / lang / name
            if not page.is_file():
                if args.command != "status":
                    print(f"{lang}/{name}: not translated yet")
                continue
            shown = page.relative_to(root).as_posix()
            try:
                recorded = freshness.recorded_revision(page, shown)
            except ValueError as err:
                raise SystemExit(f"kb translation: {err}") from None
            if args.command == "ack":
                if _uncommitted(root, original):
                    raise SystemExit(f"kb translation: {original.relative_to(root)} has changes not committed yet: "
                                     "commit them first, so the translation can name that version")
                last = history.last_change(original)
                if last is None:
                    raise SystemExit(f"kb translation: git can't tell when {original.relative_to(root)} last changed")
                freshness.record_revision(page, last.commit)
                print(f"{lang}/{name} follows {original_lang}/{name} as of {last.commit[:12]} ({last.date}): "
                      f"recorded in {shown} (commit it)")
                continue
            state = freshness.follows(history, page, original, recorded)
            if state is None:
                print(f"{lang}/{name}: git can't tell which version of {original_lang}/{name} it follows")
                continue
            how = "recorded" if state.recorded else "its last change"
            where = f"{lang}/{name} follows {original_lang}/{name} as of {state.revision.commit[:12]} " \
                    f"({state.revision.date}, {how})"
            if not state.behind:
                print(f"{where}: in step")
            elif args.command == "status":
                print(f"{where}: behind, {original_lang}/{name} changed on {state.newer.date}")
                failed = True
            else:
                print(f"{where}; {original_lang}/{name} changed since, on {state.newer.date}:")
                print("\n".join(state.diff(f"{original_lang}/{name}")))
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
