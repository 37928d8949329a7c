"""The engines the docs are checked on are declared once (provision/engines.yml): the README's
list is the rendering of that file, and no other place names them by hand."""

from __future__ import annotations

import re

from conftest import ROOT

from macros.checked_on import engine_list
from provision.checked_on import load

START = "<!-- checked-on: from provision/engines.yml, kept equal by tests/test_declared.py -->"
END = "<!-- /checked-on -->"


def test_the_readme_lists_the_declared_engines():
    readme = (ROOT / "README.md").read_text()
    found = re.search(re.escape(START) + r"\n(.*?)\n" + re.escape(END), readme, re.S)
    assert found, f"README.md has no list between {START} and {END}"
    expected = engine_list(load(), "en", pages="docs/en/")
    assert found.group(1) == expected, f"README.md's list of engines is not provision/engines.yml's; write:\n{expected}"


def test_the_index_pages_say_where_examples_are_checked_through_the_declaration():
    for lang in ("ko", "en"):
        text = (ROOT / "docs" / lang / "index.md").read_text()
        assert '{@ checked_on() @}' in text, f"docs/{lang}/index.md: list the engines with {{@ checked_on() @}}"
        declared = load()
        for engine in declared.engines:       # no version typed by hand beside it
            assert f"{engine.version}" not in text.replace("{@ checked_on() @}", ""), (lang, engine.version)
