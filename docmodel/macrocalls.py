"""How macro calls are written in a page, and where each one is (file and line).

Jinja's default `{{ }}` and `{# #}` would swallow Docker's Go templates
(`{{.Names}}`) and heading ids (`{#id}`), so mkdocs.yml switches mkdocs-macros to
the delimiters below (tests/test_macros.py checks the two stay the same). A call:

    {@ snippet("docker-ps") @}
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError, nodes

from .errors import SourceError

DELIMITERS = {
    "variable_start_string": "{@",
    "variable_end_string": "@}",
    "block_start_string": "{%@",
    "block_end_string": "@%}",
    "comment_start_string": "{#@",
    "comment_end_string": "@#}",
}


@dataclass(frozen=True)
class MacroCall:
    name: str
    args: tuple          # constant positional arguments (None where not a constant)
    line: int            # 1-based line in the text that was parsed (plus the offset given)
    standalone: bool     # the call is alone on its line (needed for block macros)


def _standalone_pattern(name: str) -> re.Pattern:
    start, end = map(re.escape, (DELIMITERS["variable_start_string"], DELIMITERS["variable_end_string"]))
    return re.compile(rf"^{start}\s*{name}\s*\(.*\)\s*{end}\s*$")


def find_calls(text: str, path: str, line_offset: int = 0) -> list[MacroCall]:
    """Every macro call (and bare name) in `text`; a Jinja syntax error is a SourceError."""
    try:
        tree = Environment(**DELIMITERS).parse(text)
    except TemplateSyntaxError as err:
        raise SourceError(path, line_offset + (err.lineno or 1), f"macro syntax error: {err.message}") from None
    lines = text.splitlines()
    calls = []
    for call in tree.find_all(nodes.Call):
        if not isinstance(call.node, nodes.Name):
            continue
        args = tuple(a.value if isinstance(a, nodes.Const) else None for a in call.args)
        source_line = lines[call.lineno - 1] if call.lineno <= len(lines) else ""
        standalone = bool(_standalone_pattern(call.node.name).match(source_line))
        calls.append(MacroCall(call.node.name, args, line_offset + call.lineno, standalone))
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and not any(c.name == name.name and c.line == line_offset + name.lineno
                                          for c in calls):
            calls.append(MacroCall(name.name, (), line_offset + name.lineno, False))
    return calls
