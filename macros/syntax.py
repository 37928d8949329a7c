"""How macros are written in a page, and where each call is (file and line).

Jinja's default `{{ }}` and `{# #}` would swallow Docker's Go templates
(`{{.Names}}`) and heading ids (`{#id}`), so mkdocs.yml switches mkdocs-macros to
the delimiters below; tests/test_macros.py checks the two stay the same. A
macro call looks like:

    {@ snippet("docker-ps") @}
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError, nodes

DELIMITERS = {
    "variable_start_string": "{@",
    "variable_end_string": "@}",
    "block_start_string": "{%@",
    "block_end_string": "@%}",
    "comment_start_string": "{#@",
    "comment_end_string": "@#}",
}


class MacroError(ValueError):
    """A macro problem in a page or snippet, located at `path:line`."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class MacroCall:
    name: str
    args: tuple          # constant positional arguments (None where not a constant)
    line: int            # 1-based line in the text that was parsed
    standalone: bool     # the call is alone on its line (needed for block macros)


def environment() -> Environment:
    return Environment(**DELIMITERS)


def _standalone_pattern(name: str) -> re.Pattern:
    start, end = map(re.escape, (DELIMITERS["variable_start_string"], DELIMITERS["variable_end_string"]))
    return re.compile(rf"^{start}\s*{name}\s*\(.*\)\s*{end}\s*$")


def find_calls(text: str, path: str, line_offset: int = 0) -> list[MacroCall]:
    """Every macro call in `text`; lines are reported as `line_offset` + line in text.

    A Jinja syntax error becomes a MacroError naming the file and line.
    """
    try:
        tree = environment().parse(text)
    except TemplateSyntaxError as err:
        raise MacroError(path, line_offset + (err.lineno or 1), f"macro syntax error: {err.message}") from None
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
