"""`./kb build --zensical [DIR]` and `./kb serve --zensical [ADDR]`: the site built by Zensical
from the same sources and the same two configuration files, in the same layout as
`./kb build` (Korean at the root, English under en/). Run in Zensical's own environment
(.venv-zensical, requirements-zensical.lock), where MkDocs is not installed.

Zensical reads mkdocs.yml as it is; what this module adds is what MkDocs does that it doesn't:
- configuration inheritance: mkdocs.en.yml INHERITs mkdocs.yml. MkDocs replaces the lists
  the child sets (the palette's names in English); Zensical appends them (six palette
  entries). Each configuration is merged here the way MkDocs merges it;
- the other languages (`extra.build_also`): built after the Korean site, into the folder
  and at the address MkDocs' build gives them (translations.py);
- settings from the environment ($REPO_URL, $SITE_URL) and the project's own files (settings.py),
  which MkDocs takes from the macros module's `define_env` but Zensical reads before any Python
  of the project runs;
- after each language's site is built, the check of its published addresses and its redirect
  pages (addresses.py), which MkDocs does in the macros module's `on_post_build`;
- where the site goes: Zensical builds inside the project, so into a folder of its own,
  moved to DIR when every language built (a failed build leaves DIR as it was);
- a build always renders every page, as MkDocs' does: the macros module's facts depend on
  git history and the test report, which Zensical's cache (.cache/) doesn't watch. The
  configuration carries a stamp of the build, so no cached page is used (Zensical 0.0.73
  happens to render every page again anyway when it runs in a new process; the stamp keeps
  it so should its cache keys change). `--clean` would delete all of .cache/, which other
  tools use too.

Each merged configuration is written next to mkdocs.yml as .zensical-<lang>.yml (Zensical
finds docs_dir, custom_dir and the macros module from the configuration's folder), and
removed afterwards. What Zensical can't do yet is said when it runs (LIMITS).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from deepmerge import Merger
from yaml_env_tag import construct_env_tag

from docmodel.errors import SourceError

from . import addresses, pages, settings, translations
from .site import log, read_site

DEFAULT_CONFIG = "mkdocs.yml"     # in the current folder, the project's root

# What the Zensical build doesn't do that the MkDocs build does, said when it runs
# (the README lists them too, under "The site with Zensical").
LIMITS = (
    "no sitemap.xml.gz beside sitemap.xml (Zensical writes only the plain sitemap)",
    "the search dialog's own words are English on the Korean site ('Search', 'N results'): Zensical's "
    "search doesn't take the theme's translations yet",
    "search ignores `plugins.search.lang`; it splits words by each site's `theme.language` instead",
)
SERVE_LIMITS = (
    "last-changed dates, translation notices and 'last passed' notes are those of when serve started: "
    "restart it after a commit or a test run (Zensical re-renders only the pages whose files change)",
    "the published pages and anchors (docs/published.yml) are not checked and the redirect pages of "
    "docs/redirects.yml are not written: ./kb build --zensical does both",
)

# MkDocs' INHERIT: mappings merged key by key, anything else (lists) replaced by the child's
_MKDOCS_MERGE = Merger([(dict, ["merge"])], ["override"], ["override"])


class ConfigError(Exception):
    pass


class _Loader(yaml.SafeLoader):
    """YAML as MkDocs reads its configuration: `!ENV` tags resolved (pyyaml-env-tag)."""


_Loader.add_constructor("!ENV", construct_env_tag)


def read_config(path: Path) -> tuple[dict, set[str]]:
    """A configuration file with its INHERIT chain merged as MkDocs merges it, and the
    top-level keys its files set."""
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"{path}: {err}") from None
    parent = config.pop("INHERIT", None)
    keys = set(config)
    if parent:
        base, base_keys = read_config(path.parent / parent)
        config, keys = _MKDOCS_MERGE.merge(base, config), keys | base_keys
    return config, keys


def configurations(root: Path, out: Path, stamp: str, nested: bool = True) -> list[tuple[str, Path, dict]]:
    """(language, file to write, configuration) of every language, the default one first:
    the default one built into `out` and the others into their sub-folder of it, or (not
    `nested`, for serve: a Zensical empties its folder whenever it rebuilds) each into a
    folder of its own, out/_default and out/<sub-folder>."""
    default, _keys = read_config(root / DEFAULT_CONFIG)
    found = []
    for name in [DEFAULT_CONFIG, *(default.get("extra", {}).get("build_also") or [])]:
        config, by_hand = read_config(root / name)
        if name == DEFAULT_CONFIG:
            config["site_dir"] = str(out if nested else out / "_default")
        else:
            subdir = translations.subfolder(root, name, config.get("site_dir", "site"))
            config["site_dir"] = str(out / subdir)
            config["site_url"] = translations.site_url_in(default.get("site_url"), subdir)
        site = read_site(config, root)
        settings.apply(config, settings.derived(config.get("repo_url"), site, by_hand))
        config["extra"]["kb_build"] = stamp       # every page rendered again (see the module's docstring)
        found.append((site.lang, root / f".zensical-{site.lang}.yml", config))
    return found


def write_configurations(root: Path, out: Path, nested: bool = True) -> list[tuple[str, Path, dict]]:
    written = configurations(root, out, uuid.uuid4().hex, nested)
    for _lang, path, config in written:
        path.write_text("# Written by ./kb (macros/zensical_site.py) from mkdocs.yml; not to be edited.\n"
                        + yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return written


def _say(line: str) -> None:
    print(f"kb: {line}", file=sys.stderr, flush=True)


def _announce(limits) -> None:
    for limit in limits:
        _say(f"Zensical: {limit}")


def _show_our_log() -> None:
    """The macros module's INFO lines (translations behind), as MkDocs shows them."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def _failure(err: BaseException) -> str:
    """What failed, without Zensical's traceback: the macros module's own message if it has one."""
    if pages.problems:
        return pages.problems[-1]
    text = str(err).strip()
    first = text.splitlines()[0] if text else type(err).__name__
    return first.removeprefix("Python error: ")


def build(out: Path, root: Path) -> None:
    import zensical

    _announce(LIMITS)
    _show_our_log()
    staging = root / ".zensical-site"
    shutil.rmtree(staging, ignore_errors=True)
    written = write_configurations(root, staging)
    try:
        for lang, path, config in written:
            _say(f"building the {lang} site with Zensical {zensical.version()}")
            started = time.monotonic()
            try:
                zensical.build(str(path), {"clean": False, "strict": True})
            except Exception as err:  # noqa: BLE001 (Zensical reports every failure as RuntimeError)
                raise SystemExit(f"kb: the Zensical build of the {lang} site failed: {_failure(err)}") from None
            try:
                addresses.after_build(read_site(config, root), Path(config["site_dir"]))
            except SourceError as err:
                raise SystemExit(f"kb: the Zensical build of the {lang} site failed: {err}") from None
            _say(f"{lang}: {time.monotonic() - started:.1f}s")
        out = out.resolve()
        shutil.rmtree(out, ignore_errors=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(out))
        _say(f"built both languages with Zensical into {out}")
    finally:
        for _lang, path, _config in written:
            path.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(addr: str, root: Path) -> None:
    """Every language served at ADDR, reloading on edits: a Zensical server for each language
    on a spare local port, and in front of them one address (front.py)."""
    from .front import Front

    _announce(LIMITS + SERVE_LIMITS)
    signal.signal(signal.SIGTERM, _interrupt)        # stopped like Ctrl-C: the servers too, and the files
    serving = root / ".zensical-serve"
    shutil.rmtree(serving, ignore_errors=True)
    written = write_configurations(root, serving, nested=False)
    running: list[subprocess.Popen] = []
    front = None
    try:
        backends = {}
        for lang, path, config in written:
            port = _free_port()
            _say(f"starting Zensical for the {lang} site")
            running.append(subprocess.Popen([sys.executable, "-m", "zensical", "serve", "-f", str(path),
                                             "-a", f"127.0.0.1:{port}"], cwd=root))
            backends[urlsplit(config.get("site_url") or "/").path or "/"] = f"127.0.0.1:{port}"
            _wait_for(Path(config["site_dir"]) / "index.html", running[-1])
        front = Front(addr, backends)
        _say(f"serving both languages on http://{addr}/ (Ctrl-C stops)")
        front.start()
        while all(p.poll() is None for p in running):
            time.sleep(0.5)
        raise SystemExit("kb: a Zensical server stopped")
    except KeyboardInterrupt:
        pass
    finally:
        if front is not None:
            front.stop()
        for p in running:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in running:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        for _lang, path, _config in written:
            path.unlink(missing_ok=True)
        shutil.rmtree(serving, ignore_errors=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _wait_for(path: Path, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            raise SystemExit("kb: Zensical stopped before the site was built")
        if time.monotonic() > deadline:
            raise SystemExit(f"kb: Zensical did not build {path} within {timeout:.0f}s")
        time.sleep(0.2)


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m macros.zensical_site", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("build").add_argument("dir", nargs="?", default="site")
    sub.add_parser("serve").add_argument("addr", nargs="?", default="127.0.0.1:8000")
    args = ap.parse_args(argv)
    root = Path.cwd()
    if not (root / DEFAULT_CONFIG).is_file():
        raise SystemExit(f"kb: no {DEFAULT_CONFIG} in {root}")
    try:
        if args.command == "build":
            build(Path(args.dir), root)
        else:
            os.environ.setdefault("SITE_URL", f"http://{args.addr}/")
            serve(args.addr, root)
    except (ConfigError, ValueError) as err:
        raise SystemExit(f"kb: {err}") from None


if __name__ == "__main__":
    main(sys.argv[1:])
