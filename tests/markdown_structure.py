"""What a page is made of, beyond its prose: headings with anchors, code blocks,
runner directives, snippet calls and images, each with the section it is in.
Used by the parity and glossary tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docmodel.directives import is_directive
from docmodel.macrocalls import find_calls
from docmodel.markdown import parser as markdown_parser

ANCHOR = re.compile(r"\{\s*#(?P<id>[^\s}]+)[^}]*\}\s*$")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")


@dataclass
class Element:
    kind: str          # heading | code | directive | snippet | image
    section: str       # anchor of the heading it is under ("" before the first)
    value: str
    line: int


@dataclass
class Structure:
    path: Path
    elements: list[Element] = field(default_factory=list)
    prose: list[tuple[int, str]] = field(default_factory=list)   # (line, text) outside code and headings

    def of(self, kind: str) -> list[Element]:
        return [e for e in self.elements if e.kind == kind]


def read(path: Path) -> Structure:
    source = path.read_text(encoding="utf-8")
    s = Structure(path)
    tokens = markdown_parser().parse(source)
    snippet_lines = {c.line: c.args[0] for c in find_calls(source, str(path)) if c.name == "snippet" and c.args}
    section = ""
    for i, tok in enumerate(tokens):
        line = tok.map[0] + 1 if tok.map else 0
        if tok.type == "heading_open":
            text = tokens[i + 1].content
            m = ANCHOR.search(text)
            anchor = m["id"] if m else f"(no anchor: {text.strip()!r})"
            section = anchor
            s.elements.append(Element("heading", section, f"{tok.tag} #{anchor}", line))
        elif tok.type in ("fence", "code_block"):
            s.elements.append(Element("code", section, f"{tok.info}\n{tok.content}", line))
        elif tok.type == "html_block" and is_directive(tok.content):
            s.elements.append(Element("directive", section, tok.content.strip(), line))
        elif tok.type == "inline" and tokens[i - 1].type != "heading_open":
            if line in snippet_lines:
                s.elements.append(Element("snippet", section, snippet_lines[line], line))
            for src in IMAGE.findall(tok.content):
                s.elements.append(Element("image", section, src, line))
            s.prose.append((line, tok.content))
    return s
