"""The one reader of shell and docker command lines (docmodel/dockercli.py)."""

import pytest

from docmodel.dockercli import docker_commands, simple_commands


def one(text: str):
    (cmd,) = docker_commands(text)
    return cmd


@pytest.mark.parametrize("text, words", [
    ("echo a; echo b && echo c || echo d | cat", [["echo", "a"], ["echo", "b"], ["echo", "c"], ["echo", "d"], ["cat"]]),
    ("for i in 1 2; do docker start n-$i > /dev/null; done", [["docker", "start", "n-$i"]]),
    ("A=1 B=2 docker ps 2>&1 >/dev/null", [["docker", "ps"]]),
    ("sudo -u nobody docker ps", [["docker", "ps"]]),
    ("time docker stop web", [["docker", "stop", "web"]]),
    ("timeout 5 docker logs -f web", [["docker", "logs", "-f", "web"]]),
    ("cat > f <<'EOF'\ndocker run evil\nEOF\necho done", [["cat"], ["echo", "done"]]),
    ("docker build -t app . \\\n  --no-cache", [["docker", "build", "-t", "app", ".", "--no-cache"]]),
    ("# just a comment", []),
])
def test_simple_commands(text, words):
    assert [c.words for c in simple_commands(text)] == words


def test_command_substitutions_are_read_too_and_mark_their_word_dynamic():
    cmds = simple_commands('id=$(docker run -d busybox sleep 60) && docker rm -f "$id"')
    assert [c.words[:2] for c in cmds] == [["docker", "run"], ["docker", "rm"]]
    assert cmds[1].is_dynamic(3) and not cmds[1].is_dynamic(1)


@pytest.mark.parametrize("text, path, options, operands", [
    ("docker run --name web -it debian bash", ("run",), [("--name", "web"), ("-i", None), ("-t", None)],
     ["debian", "bash"]),
    ("docker run -p8080:80 -dit nginx", ("run",), [("-p", "8080:80"), ("-d", None), ("-i", None), ("-t", None)],
     ["nginx"]),
    ("docker container run --rm -v /:/host busybox ls -l", ("run",), [("--rm", None), ("-v", "/:/host")],
     ["busybox", "ls", "-l"]),
    ("docker image build --build-arg A=1 -t x:1 .", ("build",), [("--build-arg", "A=1"), ("-t", "x:1")], ["."]),
    ("docker buildx build --platform=linux/arm64 .", ("build",), [("--platform", "linux/arm64")], ["."]),
    ("docker system prune -af --volumes", ("system", "prune"), [("-a", None), ("-f", None), ("--volumes", None)], []),
    ("docker compose -p demo up -d --build", ("compose", "up"), [("-d", None), ("--build", None)], []),
    ("docker image ls --format '{{.Repository}}'", ("images",), [("--format", "{{.Repository}}")], []),
    ("docker -H tcp://h:2375 ps -a", ("ps",), [("-a", None)], []),
])
def test_docker_commands(text, path, options, operands):
    cmd = one(text)
    assert cmd.path == path
    assert [(o.name, o.value) for o in cmd.options] == options
    assert cmd.operands == operands


def test_images_and_interactive_sessions():
    assert one("docker run --rm -e A=1 -p 80:80 debian:trixie-slim true").image == "debian:trixie-slim"
    assert one("docker pull -q busybox").image == "busybox"
    assert one("docker exec -it web sh").interactive and not one("docker exec -i web sh").interactive


@pytest.mark.parametrize("text, words", [
    ("docker system prune -f", "removes objects the page did not create"),
    ("docker image prune -a -f", "removes objects the page did not create"),
    ("docker rm -f $(docker ps -aq)", "whatever `docker ps` lists"),
    ("docker ps -aq | xargs docker rm -f", "whatever `docker ps` lists"),
    ("docker volume rm $(docker volume ls -q)", "whatever `docker volume ls` lists"),
    ("docker run --privileged busybox true", "--privileged"),
    ("docker run -v /var/run/docker.sock:/var/run/docker.sock busybox", "the Docker socket"),
    ("docker run --mount type=bind,source=/etc,target=/x busybox", "the host's /etc"),
    ("docker run -v /:/host busybox", "the host's /"),
])
def test_commands_that_act_on_what_the_page_did_not_create(text, words):
    assert any(words in h for d in docker_commands(text) for h in d.hazards()), docker_commands(text)


@pytest.mark.parametrize("text", [
    "id=$(docker run -d busybox sleep 60) && docker rm -f $id",     # the page's own container
    "docker rm -f web", "docker run -v \"$PWD\":/data busybox", "docker run -v data:/data busybox",
    "docker run -v /srv/site:/usr/share/nginx/html nginx",
])
def test_ordinary_commands_are_not_hazards(text):
    assert [h for d in docker_commands(text) for h in d.hazards()] == []


@pytest.mark.parametrize("text, argv", [
    ("docker run -it --rm --name try debian:trixie-slim bash", "docker run -i --rm --name try debian:trixie-slim bash"),
    ("docker -H unix:///x.sock exec -it web sh", "docker -H unix:///x.sock exec -i web sh"),
    ("docker compose -p demo exec web sh", "docker compose -p demo exec web sh"),
])
def test_a_command_as_words_again_without_some_options(text, argv):
    assert one(text).argv(drop=("-t", "--tty")) == argv.split()
