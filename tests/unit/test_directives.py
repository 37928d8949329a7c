"""Hidden runner directives (docrun/directives.py)."""

import pytest

from docmodel.directives import DirectiveError, parse


def test_modifiers_and_actions():
    assert parse('<!-- docrun: illustrative reason="pseudo-code" -->').options == {"reason": "pseudo-code"}
    assert parse("<!-- docrun: exit 1 -->").args == ["1"]
    d = parse("<!-- docrun: wait-http http://localhost:8080/ timeout=30 -->")
    assert d.args == ["http://localhost:8080/"] and d.timeout == 30
    d = parse('<!-- docrun: wait-log web "ready to accept" -->')
    assert d.args == ["web", "ready to accept"]


def test_setup_script_spans_lines():
    d = parse("<!-- docrun: setup\nmkdir -p site\necho hi > site/index.html\n-->")
    assert d.name == "setup" and d.script == "mkdir -p site\necho hi > site/index.html"


@pytest.mark.parametrize("html, words", [
    ("<!-- docrun: illustrative -->", "needs a reason"),
    ('<!-- docrun: skip reason="" -->', "needs a reason"),
    ("<!-- docrun: exit -->", "takes one number"),
    ("<!-- docrun: exit one -->", "must be a number"),
    ("<!-- docrun: timeout -5 -->", "must not be negative"),
    ("<!-- docrun: wait-log web -->", "usage"),
    ("<!-- docrun: setup -->", "needs shell commands"),
    ("<!-- docrun: ilustrative reason=x -->", "unknown directive 'ilustrative'"),
    ("<!-- docrun: wait-http http://x/ colour=red -->", "unknown option"),
    ('<!-- docrun: skip reason="unclosed -->', "cannot read"),
])
def test_bad_directives_say_what_is_wrong(html, words):
    with pytest.raises(DirectiveError) as err:
        parse(html)
    assert words in err.value.message
