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


@pytest.mark.parametrize("html, message", [
    ("<!-- docrun: illustrative -->", '`illustrative` needs a reason: <!-- docrun: illustrative reason="..." -->'),
    ('<!-- docrun: skip reason="" -->', '`skip` needs a reason: <!-- docrun: skip reason="..." -->'),
    ("<!-- docrun: exit -->", "`exit` takes one number, e.g. <!-- docrun: exit 1 -->"),
    ("<!-- docrun: exit one -->", "`exit` must be a number, not 'one'"),
    ("<!-- docrun: exit 1.5 -->", "`exit` must be a number, not '1.5'"),          # an exit status is whole
    ("<!-- docrun: timeout -5 -->", "`timeout` must not be negative"),
    ("<!-- docrun: wait-log web -->", 'usage: <!-- docrun: wait-log CONTAINER "TEXT" [timeout=SECONDS] -->'),
    ("<!-- docrun: wait-http -->", "usage: <!-- docrun: wait-http URL [timeout=SECONDS] -->"),
    ("<!-- docrun: wait-port x -->", "the port must be a number, not 'x'"),
    ("<!-- docrun: wait-http http://x/ status=ok -->", "status must be a number, not 'ok'"),
    ("<!-- docrun: setup -->", "`setup` needs shell commands on the lines after `docrun: setup`"),
    ("<!-- docrun: ilustrative reason=x -->", "unknown directive 'ilustrative'; known: any-order, buildkit-only, "
                                              "exit, illustrative, isolated, root-only, setup, skip, timeout, "
                                              "wait-healthy, wait-http, wait-log, wait-port"),
    ("<!-- docrun: wait-http http://x/ colour=red -->", "unknown option(s) for `wait-http`: colour"),
    ('<!-- docrun: skip reason="unclosed -->', "cannot read the directive: No closing quotation"),
    ("<!-- docrun: -->", "empty directive: expected one of "),
])
def test_bad_directives_say_what_is_wrong(html, message):
    with pytest.raises(DirectiveError) as err:
        parse(html)
    assert err.value.message.startswith(message), err.value.message
    assert err.value.line == 0                                   # the directive's own first line
