"""Reading Markdown the way the site renders it (CommonMark, front matter, admonitions, tables)."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

ATTR = re.compile(r'(?P<key>[\w-]+)=(?:"(?P<q>[^"]*)"|(?P<v>\S+))')


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(front_matter_plugin).use(admon_plugin).enable("table")


def fence_info(info: str) -> tuple[str, dict[str, str]]:
    """A fence's language and its key="value" attributes: ```dockerfile title="Dockerfile"."""
    lang, _, rest = info.strip().partition(" ")
    if lang.startswith("{"):
        lang, rest = "", info
    attrs = {m["key"]: m["q"] if m["q"] is not None else m["v"] for m in ATTR.finditer(rest)}
    return lang.lstrip("."), attrs
