"""Console transcript parsing (docmodel/transcript.py)."""

import pytest

from docmodel.transcript import TranscriptError, is_interactive, parse


def test_commands_outputs_and_line_indexes():
    cmds = parse(["$ echo one", "one", "$ docker run -d \\", "    --name web nginx", "<id>", ""])
    assert [c.text for c in cmds] == ["echo one", "docker run -d \\\n    --name web nginx"]
    assert [c.output for c in cmds] == [["one"], ["<id>"]]
    assert [(c.line, c.output_line) for c in cmds] == [(0, 1), (2, 4)]


def test_command_without_output():
    (cmd,) = parse(["$ true"])
    assert cmd.output == [] and cmd.output_line == 1


@pytest.mark.parametrize("lines, line, words", [
    (["docker ps"], 0, "must start with a `$ ` command"),
    (["$ echo \\"], 0, "no line follows"),
    (["$ "], 0, "empty command"),
    ([], 0, "at least one"),
])
def test_malformed(lines, line, words):
    with pytest.raises(TranscriptError) as err:
        parse(lines)
    assert err.value.line == line and words in err.value.message


@pytest.mark.parametrize("command, expected", [
    ("docker run -it --rm debian:trixie-slim bash", True),
    ("docker run -ti debian:trixie-slim bash", True),
    ("docker run -i -t debian:trixie-slim", True),
    ("docker container run --interactive --tty debian:trixie-slim", True),
    ("docker exec -it web sh", True),
    ("docker run --name web -it debian bash", True),          # a valued option before the flags
    ("docker run -e A=1 -i -t debian bash", True),            # split flags after a valued option
    ("docker run -dit --name web nginx", True),
    ("docker -H unix:///var/run/docker.sock run -it busybox sh", True),
    ("docker run -i debian cat", False),                      # stdin only: no terminal
    ("docker compose exec web sh", True),                     # Compose gives exec a terminal by default
    ("docker compose exec -T web sh", False),
    ("docker run -d -p 8080:80 nginx", False),
    ("docker run --rm debian:trixie-slim ls -it", False),   # -it after the image is the command's
    ("docker ps", False),
    ("echo docker run -it x", False),
])
def test_interactive_detection(command, expected):
    assert is_interactive(command) is expected


def test_interactive_session_steps():
    (cmd,) = parse([
        "$ docker run -it --name box debian:trixie-slim bash",
        "root@3f1c0e2d9a4b:/# echo hi",
        "hi",
        "root@3f1c0e2d9a4b:/# exit",
        "exit",
    ])
    assert [s.text for s in cmd.session] == ["echo hi", "exit"]
    assert cmd.session[0].output == ["hi"] and cmd.session[0].prompt == "root@3f1c0e2d9a4b:/# "
    assert cmd.session[1].output_line == 4


def test_interactive_session_must_end_with_exit():
    with pytest.raises(TranscriptError) as err:
        parse(["$ docker run -it debian:trixie-slim bash", "root@x:/# echo hi", "hi"])
    assert err.value.line == 1 and "exit" in err.value.message
