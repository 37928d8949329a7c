"""The one reader of shell and docker command lines (docmodel/dockercli.py)."""

import pytest

from docmodel.dockercli import ShellSession, docker_commands, simple_commands


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


@pytest.mark.parametrize("lines, where", [
    (["ids=$(docker ps -q)", "docker stop $ids"], 1),
    (['ids="$(docker ps -aq)"; docker rm -f "$ids"'], 0),
    (["export ids=`docker ps -q`", "echo later", "docker kill ${ids}"], 2),
    (["for c in $(docker ps -q); do docker stop $c; done"], 0),
    (["for c in $(docker ps -q)\ndo\n  docker pause \"$c\"\ndone"], 0),
    (["docker ps -q | while read -r c; do docker restart $c; done"], 0),
    (["mapfile -t ids < <(docker volume ls -q)", 'docker volume rm "${ids[@]}"'], 1),
    (["ids=$(docker ps -q)", "echo $ids | xargs docker stop"], 1),
    (["ids=$(docker ps -q)", "more=$ids", "docker stop $(echo $more)"], 2),
    (["n=$(docker network ls -q)", "for x in $n; do docker network rm $x; done"], 1),
])
def test_listings_that_reach_a_command_through_variables_loops_and_pipes(lines, where):
    session = ShellSession()
    found = [(n, h) for n, line in enumerate(lines) for d in session.read(line) for h in d.hazards()]
    assert found and {n for n, _ in found} == {where}, found
    assert all("whatever `docker" in h for _, h in found)


@pytest.mark.parametrize("lines", [
    ["ids=$(docker run -d busybox sleep 60)", "docker stop $ids"],                   # the page's own container
    ["ids=$(docker ps -q)", "ids=$(docker run -d busybox true)", "docker rm -f $ids"],  # overwritten
    ["for i in 1 2 3; do docker start nginx-$i; done"],
    ["web=$(docker ps -q --filter name=web)", "echo $web"],                          # listed, never acted on
    ["docker ps -q | wc -l", "docker stop web"],
    ["c=$(docker create busybox)", "docker ps -q | while read x; do echo $x; done", "docker rm $c"],
])
def test_a_page_s_own_objects_through_the_same_means_are_not_hazards(lines):
    session = ShellSession()
    assert [h for line in lines for d in session.read(line) for h in d.hazards()] == []


@pytest.mark.parametrize("text, words", [
    ("docker run -v /var/lib/docker:/data busybox ls", "the engine's state directory /var/lib/docker"),
    ("docker run --mount type=bind,src=/var/lib/containerd/,dst=/c busybox", "state directory /var/lib/containerd"),
    ("docker run -v /run/containerd/containerd.sock:/c.sock busybox", "the host's /run/containerd/containerd.sock"),
    ("docker run --pid=host busybox kill 1", "`--pid=host` lets the container see and signal the host's processes"),
    ("docker run --pid host busybox ps", "`--pid=host`"),
    ("docker create --userns=host busybox", "`--userns=host`"),
    ("docker run -v /proc:/host/proc busybox", "the host's /proc"),
])
def test_mounts_of_the_engine_s_state_and_host_namespaces(text, words):
    assert any(words in h for d in docker_commands(text) for h in d.hazards()), docker_commands(text)


def test_network_host_is_not_a_hazard():
    assert one("docker run --network host busybox httpd").hazards() == []


@pytest.mark.parametrize("text, words", [
    ('echo "a $(docker ps -q) b"', [["docker", "ps", "-q"], ["echo", "a $KB_SUBST_0 b"]]),
    ("echo '$(docker ps -q)'", [["echo", "$(docker ps -q)"]]),                  # quoted: not run
    ("a=`docker ps -q`; docker stop $a", [["docker", "ps", "-q"], ["docker", "stop", "$a"]]),
    ('echo "`docker ps -q`"', [["docker", "ps", "-q"], ["echo", "$KB_SUBST_0"]]),
    ("echo $((2+3)) && docker ps", [["echo", "$ARITH"], ["docker", "ps"]]),         # arithmetic: no command
    ("[ $((n+1)) -gt 1 ] && docker stop web", [["[", "$ARITH", "-gt", "1", "]"], ["docker", "stop", "web"]]),
    ('x=$(echo ")"; docker ps -q); docker stop $x', [["echo"], ["docker", "ps", "-q"], ["docker", "stop", "$x"]]),
    ("diff <(docker ps -q) >(cat)", [["docker", "ps", "-q"], ["cat"], ["diff", "$KB_SUBST_0", "$KB_SUBST_1"]]),
    ("env -i A=1 B=2 docker ps", [["docker", "ps"]]),
    ("timeout -s KILL 5 docker logs web", [["docker", "logs", "web"]]),
    ("nice -n 10 docker ps", [["docker", "ps"]]),
    ("command docker ps; exec docker version", [["docker", "ps"], ["docker", "version"]]),
    ("case $x in a) docker ps;; esac", [["docker", "ps"]]),
    ("function f { docker ps; }", [["docker", "ps"]]),
])
def test_substitutions_quotes_arithmetic_wrappers_and_compound_commands(text, words):
    assert [c.words for c in simple_commands(text)] == words


@pytest.mark.parametrize("text", [
    'echo "it\'s" && docker rm $(docker ps -q)',                 # an apostrophe inside double quotes
    "echo 'a \"b' && docker rm $(docker ps -aq)",               # a double quote inside single quotes
    'echo "a \\" b" && docker rm $(docker ps -aq)',             # an escaped double quote
    'x=$(echo ")"; docker ps -q); docker stop $x',               # a parenthesis quoted in a substitution
    "function clean { docker rm -f $(docker ps -aq); }",
])
def test_quotes_and_functions_do_not_hide_a_listing(text):
    assert any("whatever `docker ps` lists" in h for d in docker_commands(text) for h in d.hazards())


@pytest.mark.parametrize("text, path, options, operands, global_options, group_options", [
    ("docker -H tcp://x:2375 --context ctx ps -q", ("ps",), [("-q", None)], [],
     [("-H", "tcp://x:2375"), ("--context", "ctx")], []),
    ("docker --log-level=debug rm web", ("rm",), [], ["web"], [("--log-level", "debug")], []),
    ("docker -D ps", ("ps",), [], [], [("-D", None)], []),
    ("docker -H", (), [], [], [("-H", "")], []),
    ("docker compose -f a.yml -p demo up -d", ("compose", "up"), [("-d", None)], [], [],
     [("-f", "a.yml"), ("-p", "demo")]),
    ("docker compose --dry-run up", ("compose", "up"), [], [], [], [("--dry-run", None)]),
    ("docker compose --compatibility --all-resources up web", ("compose", "up"), [], ["web"], [],
     [("--compatibility", None), ("--all-resources", None)]),
    ("docker rm --volumes web", ("rm",), [("--volumes", None)], ["web"], [], []),
])
def test_global_and_group_options(text, path, options, operands, global_options, group_options):
    cmd = one(text)
    assert (cmd.path, [(o.name, o.value) for o in cmd.options], cmd.operands) == (path, options, operands)
    assert [(o.name, o.value) for o in cmd.global_options] == global_options
    assert [(o.name, o.value) for o in cmd.group_options] == group_options


def test_an_operand_known_only_at_run_time_is_marked():
    assert docker_commands("docker rm web $(docker ps -q)")[1].dynamic_operands
    assert not one("docker rm --volumes web").dynamic_operands
    rm = one("docker rm $(echo web) other")
    assert rm.dynamic_operands and rm.hazards() == []           # known only at run time, but no listing behind it


@pytest.mark.parametrize("line, names", [
    ("read -r -a arr", ["arr"]), ("read -d '' -r line", ["line"]), ("read -p x -t 5 a b", ["a", "b"]),
    ("read", ["REPLY"]), ("read -a", ["REPLY"]), ("read -u 3 x", ["x"]),
    ("mapfile -t -n 3 lines", ["lines"]), ("readarray", ["MAPFILE"]), ("mapfile -d '' -t arr", ["arr"]),
])
def test_the_variables_read_and_mapfile_set(line, names):
    (cmd,) = simple_commands(line)
    assert [a.name for a in cmd.assigns] == names
