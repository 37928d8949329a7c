"""The mkdocs-macros module of Docker KB (mkdocs.yml: `module_name: macros`).

- `snippet(name)` embeds snippets/<name>.console as a console code block;
- every macro call is checked before rendering: an unknown macro, a missing or
  malformed snippet or a Jinja syntax error fails the build naming file and line;
- each page ends with a note saying when its examples last passed (from the
  runner's report), and the English site is built along with the Korean one.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data

from docmodel.errors import SourceError
from docmodel.macrocalls import find_calls
from docmodel.snippets import SnippetStore

from . import glossary as glossary_data
from . import last_passed
from .translations import build_other_languages

BLOCK_MACROS = {"snippet", "glossary"}   # macros that expand to a block: alone on their line


def _project_root(env) -> Path:
    return Path(env.conf.config_file_path).resolve().parent


def _docs_root(env) -> Path:
    """docs/ (the parent of each language's docs_dir)."""
    return Path(env.conf.docs_dir).resolve().parent


def define_env(env):
    root = _project_root(env)
    store = SnippetStore(root / "snippets", display_root=root)
    env.variables["_kb_snippets"] = store
    env.variables["_kb_report"] = last_passed.load_report(last_passed.report_path(root))

    @env.macro
    def snippet(name: str) -> str:
        """A tested console transcript from snippets/<name>.console, as a code block."""
        return store.load(name).as_fence()

    @env.macro
    def glossary() -> str:
        """The glossary (docs/glossary.yml) as a table in the page's language."""
        terms = glossary_data.load(_docs_root(env) / "glossary.yml")
        return glossary_data.table(terms, env.conf.theme.get("language", "en"))


def _page_location(env) -> tuple[str, int]:
    """(file as shown in errors, number of lines before page.markdown in that file)."""
    page = env.page
    src = Path(page.file.abs_src_path)
    shown = str(src.relative_to(_project_root(env))) if src.is_relative_to(_project_root(env)) else str(src)
    raw = src.read_text(encoding="utf-8-sig")
    body, _meta = get_data(raw)
    offset = len(raw.splitlines()) - len(body.splitlines())
    return shown, offset


def on_pre_page_macros(env):
    """Check every macro call in the page before Jinja renders it."""
    path, offset = _page_location(env)
    store: SnippetStore = env.variables["_kb_snippets"]
    known = set(env.macros) | set(env.variables) | set(env.filters)
    try:
        for call in find_calls(env.markdown, path, offset):
            if call.name not in known:
                raise SourceError(path, call.line, f"unknown macro {call.name!r} "
                                                  f"(this site defines: {', '.join(sorted(env.macros))})")
            if call.name in BLOCK_MACROS and not call.standalone:
                raise SourceError(path, call.line, f"{call.name}() makes a code block: "
                                                  "write the call alone on its own line, unindented")
            if call.name == "snippet":
                if len(call.args) != 1 or not isinstance(call.args[0], str):
                    raise SourceError(path, call.line, "snippet() takes one snippet name as a string")
                store.load(call.args[0], used_at=(path, call.line))
    except SourceError as err:
        raise PluginError(str(err)) from None


def on_post_page_macros(env):
    """Append the 'examples last passed' note from the test report."""
    src = Path(env.page.file.abs_src_path).resolve()
    key = src.relative_to(_docs_root(env)).as_posix()
    lang = env.conf.theme.get("language", "en")
    env.markdown += last_passed.note(env.variables["_kb_report"], key, lang)


def on_post_build(env):
    build_other_languages(env.conf)
