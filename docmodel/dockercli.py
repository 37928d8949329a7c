"""The one reader of command lines: shell text -> simple commands -> docker commands.

    >>> [c.path for c in docker_commands("docker run --name web -it debian bash && docker ps")]
    [('run',), ('ps',)]

`simple_commands()` splits a line of shell into its simple commands: across `;`,
`&&`, `||`, `|`, `&`, subshells and `for`/`if`/`while` bodies, inside `$(...)` and
backticks, without here-document bodies, redirections, leading `VAR=value`
assignments, or wrappers such as `sudo`, `env`, `time`, `timeout` and `xargs`.
A word that is only known when the command runs (`$(docker ps -aq)`, `$id`, or an
argument `xargs` appends) is marked dynamic.

`DockerCommand` reads one `docker ...` command: global options, the subcommand
(management forms folded: `docker container run` is `run`, `docker image build` and
`docker buildx build` are `build`), its options (short flags split, `-it` is `-i -t`,
values attached or not) and its operands (the image and the command for `run`).
Options not known to take no value are assumed to take one; the tables below list
the flags that take none, per subcommand.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

SEPARATORS = {";", "&", "&&", "|", "||", "|&", "(", ")", ";;", "\n"}
REDIRECTS = {">", ">>", "<", "<<<", ">&", "<&", "&>", "&>>", ">|", "<>"}
RESERVED = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "case", "esac"}
HEREDOC = re.compile(r"<<-?\s*(['\"]?)(?P<word>[A-Za-z_][\w-]*)\1")
ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_]\w*)(\[[^]]*\])?\+?=")
DYNAMIC = re.compile(r"\$|`")
VARIABLE = re.compile(r"\$\{?#?(?P<name>[A-Za-z_]\w*)")
DECLARERS = {"export", "local", "declare", "readonly", "typeset"}
READERS = {"read", "mapfile", "readarray"}     # builtins that set variables from their input

# Wrappers that run the command after them: name -> (options that take a value, is xargs-like)
WRAPPERS = {
    "sudo": ({"-u", "--user", "-g", "--group", "-h", "--host", "-p", "--prompt", "-C", "-D", "-r", "-t", "-U"}, False),
    "env": ({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}, False),
    "time": (set(), False),
    "nohup": (set(), False),
    "exec": ({"-a"}, False),
    "command": (set(), False),
    "nice": ({"-n", "--adjustment"}, False),
    "timeout": ({"-s", "--signal", "-k", "--kill-after"}, False),
    "xargs": ({"-I", "-i", "-n", "-L", "-l", "-P", "-d", "-a", "-E", "-e", "-s", "--max-args", "--max-procs",
               "--delimiter", "--arg-file", "--replace", "--max-lines", "--max-chars"}, True),
}

# Per subcommand: the options that take no value. Any other option takes one.
_RUN = {"-d", "--detach", "-i", "--interactive", "-t", "--tty", "-P", "--publish-all", "--rm", "--init",
        "--privileged", "--read-only", "--no-healthcheck", "--oom-kill-disable", "--disable-content-trust",
        "--sig-proxy", "--help", "-q", "--quiet", "--use-api-socket"}
BOOLEAN: dict[str, set[str]] = {
    "run": _RUN,
    "create": _RUN,
    "exec": {"-d", "--detach", "-i", "--interactive", "-t", "--tty", "--privileged"},
    "build": {"-q", "--quiet", "--no-cache", "--pull", "--rm", "--force-rm", "--squash", "--compress",
              "--disable-content-trust", "--load", "--push", "--check", "--debug"},
    "pull": {"-a", "--all-tags", "-q", "--quiet", "--disable-content-trust"},
    "push": {"-a", "--all-tags", "-q", "--quiet", "--disable-content-trust"},
    "commit": {"-p", "--pause"},
    "rm": {"-f", "--force", "-l", "--link", "-v", "--volumes"},
    "rmi": {"-f", "--force", "--no-prune"},
    "ps": {"-a", "--all", "-l", "--latest", "-q", "--quiet", "--no-trunc", "-s", "--size"},
    "images": {"-a", "--all", "-q", "--quiet", "--digests", "--no-trunc", "--tree"},
    "logs": {"-f", "--follow", "-t", "--timestamps", "--details"},
    "inspect": {"-s", "--size"},
    "cp": {"-a", "--archive", "-L", "--follow-link", "-q", "--quiet"},
    "start": {"-a", "--attach", "-i", "--interactive"},
    "attach": {"--no-stdin", "--sig-proxy"},
    "history": {"-H", "--human", "--no-trunc", "-q", "--quiet"},
    "stats": {"-a", "--all", "--no-stream", "--no-trunc"},
    "top": set(),
    "port": set(),
    "diff": set(),
    "prune": {"-a", "--all", "-f", "--force", "--volumes"},
    "df": {"-v", "--verbose"},
    "tag": set(),
    "save": set(),
    "load": {"-q", "--quiet"},
    "compose up": {"-d", "--detach", "--build", "--no-build", "--force-recreate", "--no-recreate", "--no-deps",
                   "--remove-orphans", "--wait", "--quiet-pull", "-V", "--renew-anon-volumes", "--no-start",
                   "--abort-on-container-exit", "--always-recreate-deps", "-y", "--yes", "--no-color",
                   "--no-log-prefix", "--menu", "--watch", "-w"},
    "compose down": {"-v", "--volumes", "--remove-orphans"},
    "compose ps": {"-a", "--all", "-q", "--quiet", "--services", "--no-trunc", "--orphans"},
    "compose logs": {"-f", "--follow", "-t", "--timestamps", "--no-color", "--no-log-prefix"},
    "compose exec": {"-d", "--detach", "-T", "--no-TTY", "--privileged"},
    "compose run": {"-d", "--detach", "--rm", "-T", "--no-TTY", "--no-deps", "--build", "-P", "--service-ports",
                    "-i", "--interactive", "-t", "--tty", "--quiet-pull", "--remove-orphans", "--use-aliases"},
    "compose build": {"--no-cache", "--pull", "-q", "--quiet", "--push", "--with-dependencies"},
    "compose config": {"-q", "--quiet", "--services", "--volumes", "--images", "--no-interpolate", "--hash"},
    "volume ls": {"-q", "--quiet"}, "network ls": {"-q", "--quiet", "--no-trunc"}, "context ls": {"-q", "--quiet"},
    "volume rm": {"-f", "--force"}, "network rm": {"-f", "--force"}, "volume create": set(),
    "network create": {"--internal", "--attachable", "--ipv6", "--ingress", "--config-only"},
    "buildx du": {"--verbose"}, "buildx ls": set(),
    "compose stop": set(), "compose start": set(), "compose restart": {"--no-deps"},
    "compose pull": {"-q", "--quiet", "--ignore-pull-failures", "--include-deps"},
}
LISTINGS = {("ps",), ("images",), ("volume", "ls"), ("network", "ls"), ("context", "ls"), ("compose", "ps")}
GLOBAL_BOOLEAN = {"-D", "--debug", "--tls", "--tlsverify", "-v", "--version"}
# docker <management> <command>: folded into the plain command where Docker has one
MANAGEMENT = {"container", "image", "volume", "network", "system", "builder", "buildx", "compose", "context",
              "plugin", "swarm", "node", "service", "stack", "secret", "config", "trust", "manifest", "scout"}
FOLDED = {("container", c) for c in ("run", "create", "exec", "rm", "ls", "ps", "logs", "inspect", "cp", "start",
                                     "stop", "restart", "kill", "commit", "top", "port", "diff", "stats", "attach")} \
    | {("image", c) for c in ("build", "pull", "push", "rm", "ls", "tag", "inspect", "history", "save", "load")} \
    | {("buildx", "build"), ("builder", "build")}
ALIASES = {("container", "ls"): "ps", ("image", "ls"): "images", ("image", "rm"): "rmi", ("container", "ps"): "ps"}
# Commands that remove, stop or change the objects they are given
REMOVERS = {("rm",), ("rmi",), ("stop",), ("kill",), ("pause",), ("unpause",), ("restart",), ("start",),
            ("rename",), ("update",), ("exec",), ("volume", "rm"), ("network", "rm"), ("network", "disconnect"),
            ("network", "connect")}
# Host paths whose mount gives a container the host or its engine: the root, /etc, /proc and /sys,
# the engine's and containerd's sockets and state directories
HOST_MOUNTS = re.compile(r"^(/|/etc(/.*)?|/proc(/.*)?|/sys(/.*)?|(/var)?/run/docker\.sock|(/var)?/run/docker(/.*)?"
                         r"|(/var)?/run/containerd(/.*)?|/var/lib/docker(/.*)?|/var/lib/containerd(/.*)?)$")
ENGINE_STATE = re.compile(r"^/var/lib/(docker|containerd)(/.*)?$")
# Namespaces of the host a container may join, and what that lets it do
HOST_NAMESPACES = {"--pid": "see and signal the host's processes (and other containers')",
                   "--userns": "run as the host's root even where the engine remaps users",
                   "--cgroupns": "see the host's control groups"}


@dataclass
class Assignment:
    """A shell variable set from text known only at run time: `ids=$(...)`, `for c in ...`,
    `... | read c`, `mapfile -t ids < <(...)`."""
    name: str
    sources: list[SimpleCommand]           # the commands whose output it holds
    refs: set[str]                         # the variables its value is made of


@dataclass
class SimpleCommand:
    words: list[str]                                 # empty for a bare assignment or a `for` head
    dynamic: set[int] = field(default_factory=set)   # indexes of words known only at run time
    sources: list[SimpleCommand] = field(default_factory=list)   # commands whose output becomes its words
    refs: dict[int, set[str]] = field(default_factory=dict)      # word index -> the variables it expands
    assigns: list[Assignment] = field(default_factory=list)

    def is_dynamic(self, index: int) -> bool:
        return index in self.dynamic

    def refs_from(self, start: int) -> set[str]:
        """The variables expanded in the words from `start` on."""
        return {name for index, names in self.refs.items() if index >= start for name in names}


def _strip_heredocs(text: str) -> str:
    """Drop here-document bodies: the lines after `<<WORD` up to the line `WORD`."""
    out, pending = [], []
    for line in text.split("\n"):
        if pending:
            if line.strip() == pending[0]:
                pending.pop(0)
            continue
        out.append(line)
        pending.extend(m["word"] for m in HEREDOC.finditer(line))
    return "\n".join(out)


def _substitutions(text: str) -> tuple[str, list[str]]:
    """Replace each `$( ... )`, backtick and process substitution (`<( ... )`) with a placeholder
    (and each unquoted new line with `;`); return the new text and the substitutions' inner texts."""
    out, inner = [], []
    i, quote = 0, ""
    while i < len(text):
        ch = text[i]
        if ch == "\\" and quote != "'":
            out.append(text[i:i + 2])
            i += 2
            continue
        if quote == "'":
            out.append(ch)
            quote = "" if ch == "'" else quote
            i += 1
            continue
        if ch == '"' or (ch == "'" and not quote):   # open or close a quote ('…' handled above)
            quote = "" if quote == ch else ch
            out.append(ch)
            i += 1
            continue
        if ch == "\n" and not quote:               # a new line ends a command, like `;`
            out.append(" ; ")
            i += 1
            continue
        if text.startswith("$((", i):           # arithmetic: not a command
            end = text.find("))", i)
            end = len(text) if end < 0 else end + 2
            out.append("$ARITH")
            i = end
            continue
        process = not quote and text.startswith(("<(", ">("), i)
        if text.startswith("$(", i) or ch == "`" or process:
            start = i + (2 if ch in "$<>" else 1)
            ch = "$" if process else ch         # its parentheses nest like `$(`
            j, depth, q = start, 1, ""
            while j < len(text) and depth:
                c = text[j]
                if c == "\\" and q != "'":
                    j += 2
                    continue
                if q:
                    q = "" if c == q else q
                elif c in "'\"":
                    q = c
                elif ch == "`" and c == "`":
                    depth = 0
                    break
                elif ch == "$" and c == "(":
                    depth += 1
                elif ch == "$" and c == ")":
                    depth -= 1
                    if not depth:
                        break
                j += 1
            inner.append(text[start:j])
            out.append(f"$KB_SUBST_{len(inner) - 1}")
            i = j + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out), inner


def _lex(text: str, posix: bool) -> tuple[list[str], bool]:
    """Shell words and operators (posix: quotes removed; otherwise as written), and whether
    the text was read to its end (False at an unclosed quote: the words read so far)."""
    lexer = shlex.shlex(text, posix=posix, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    try:
        for word in lexer:
            words.append(word)
    except ValueError:
        return words, False
    return words, True


def _tokens(text: str) -> list[str]:
    return _lex(text, posix=True)[0]


def _raw_words(text: str) -> list[str]:
    """The words as written (before quote removal), to tell which ones hold `$`."""
    words, complete = _lex(text, posix=False)
    return words if complete else []


def _expanded(raw: str) -> set[str]:
    """The variables a word as written expands (not inside single quotes, not our placeholders)."""
    outside, quote = [], ""
    for ch in raw:
        if ch == "'" and quote != '"':
            quote = "" if quote == "'" else "'"
            continue
        if ch == '"' and quote != "'":
            quote = "" if quote == '"' else '"'
        if quote != "'":
            outside.append(ch)
    return {m["name"] for m in VARIABLE.finditer("".join(outside)) if not m["name"].startswith(("KB_SUBST_", "ARITH"))}


@dataclass
class _Word:
    text: str              # after quote removal
    dynamic: bool          # known only at run time
    refs: set[str]         # the variables it expands


SUBST = re.compile(r"\$KB_SUBST_(\d+)")


def simple_commands(text: str) -> list[SimpleCommand]:
    """The simple commands in a shell command line, nested substitutions included."""
    return [c for c in _parse(text) if c.words]


def _parse(text: str) -> list[SimpleCommand]:
    """Every simple command of a command line, bare assignments and `for` heads included (with no words)."""
    text = _strip_heredocs(text.replace("\\\n", " "))
    flat, inner = _substitutions(text)
    commands: list[SimpleCommand] = []
    nested = []
    for sub in inner:
        nested.append(_parse(sub))
        commands.extend(nested[-1])
    tokens, raw = _tokens(flat), _raw_words(flat)
    aligned = len(raw) == len(tokens)

    def substituted(word: str) -> list[SimpleCommand]:
        return [c for m in SUBST.finditer(word) for c in nested[int(m.group(1))]]

    current: list[_Word] = []
    piped: list[SimpleCommand] = []          # the commands feeding the next one through `|`
    fed: list[_Word] = []                    # what `<`, `<<<` feed the current command

    def close(separator: str):
        cmd = _simple(current, substituted, piped, fed) if current else None
        if cmd:
            for word in cmd.words:
                cmd.sources.extend(substituted(word))
            if cmd.dynamic and len(cmd.words) in cmd.dynamic:
                cmd.sources.extend(piped)         # xargs: its arguments come from the pipe
            commands.append(cmd)
        if separator in ("|", "|&"):
            piped.append(cmd) if cmd else None
        else:
            piped.clear()
        current.clear()
        fed.clear()

    redirect = ""
    for n, tok in enumerate(tokens):
        word_raw = raw[n] if aligned else tok
        if redirect:
            if redirect in ("<", "<<<"):
                fed.append(_Word(tok, True, _expanded(word_raw)))
            redirect = ""
            continue
        if tok in SEPARATORS:
            close(tok)
            continue
        if tok in REDIRECTS or (set(tok) <= set("<>&|") and tok):
            if current and current[-1].text.isdigit():
                current.pop()                  # the fd number of `2>`
            redirect = tok                     # the next word is the redirection's target
            continue
        if tok.startswith("#") and not current:
            break
        is_dyn = (bool(DYNAMIC.search(word_raw)) and not word_raw.startswith("'")) if aligned else "$" in tok
        current.append(_Word(tok, is_dyn, _expanded(word_raw)))
    close("")
    return commands


def _assignment(word: _Word, substituted) -> Assignment | None:
    m = ASSIGNMENT.match(word.text)
    return Assignment(m["name"], substituted(word.text), word.refs) if m else None


def _reader_names(words: list[_Word]) -> list[str]:
    """The variables `read NAME...` or `mapfile NAME` sets."""
    reads = words[0].text == "read"
    with_value = {"-d", "-i", "-n", "-N", "-p", "-t", "-u"} if reads else {"-d", "-n", "-O", "-s", "-u", "-C", "-c"}
    names, i = [], 1
    while i < len(words):
        w = words[i].text
        if w == "-a" and i + 1 < len(words):
            names.append(words[i + 1].text)
            i += 2
            continue
        if w.startswith("-"):
            i += 2 if w in with_value else 1
            continue
        names.append(w)
        i += 1
    if not reads:
        return names[-1:] or ["MAPFILE"]
    return names or ["REPLY"]


def _simple(words: list[_Word], substituted, piped: list[SimpleCommand], fed: list[_Word]) -> SimpleCommand | None:
    i = 0
    if words and words[0].text == "case":        # case WORD in: no command until the patterns' bodies
        return None
    while i < len(words) and (words[i].text in RESERVED or words[i].text in ("[[", "]]", "function")):
        i += 2 if words[i].text == "function" else 1      # function NAME { BODY }: the body's commands count
    if i < len(words) and words[i].text in ("for", "select"):
        # for NAME in WORDS: NAME takes each of the words in turn
        name, rest = words[i + 1].text if i + 1 < len(words) else "", words[i + 2:]
        values = rest[1:] if rest and rest[0].text == "in" else []
        sources = [c for w in values for c in substituted(w.text)]
        refs = {r for w in values for r in w.refs}
        return SimpleCommand([], assigns=[Assignment(name, sources, refs)]) if name else None
    assigns = []
    from_xargs = False
    while i < len(words):
        word = words[i].text
        if ASSIGNMENT.match(word):          # VAR=value before the command (or alone: it sets VAR)
            assigns.append(_assignment(words[i], substituted))
            i += 1
            continue
        if word in WRAPPERS:
            with_value, xargs = WRAPPERS[word]
            from_xargs = from_xargs or xargs
            i += 1
            while i < len(words) and (words[i].text.startswith("-")
                                      or (word == "timeout" and words[i].text[:1].isdigit())
                                      or (word == "env" and ASSIGNMENT.match(words[i].text))):
                if word == "timeout" and words[i].text[:1].isdigit():
                    i += 1
                    break
                if words[i].text in with_value:
                    i += 1
                i += 1
            continue
        break
    rest = words[i:]
    if not rest:
        return SimpleCommand([], assigns=assigns) if assigns else None
    cmd = SimpleCommand([w.text for w in rest], {k for k, w in enumerate(rest) if w.dynamic},
                        refs={k: w.refs for k, w in enumerate(rest) if w.refs})
    head = rest[0].text
    if head in DECLARERS:
        cmd.assigns = [a for w in rest[1:] if (a := _assignment(w, substituted))]
    elif head in READERS:
        sources = list(piped) + [c for w in fed for c in substituted(w.text)]
        refs = {r for w in fed for r in w.refs}
        cmd.assigns = [Assignment(name, sources, refs) for name in _reader_names(rest)]
    if from_xargs:
        cmd.dynamic.add(len(cmd.words))       # xargs appends arguments known only at run time
    return cmd


@dataclass(frozen=True)
class Option:
    name: str                # as written: -p, --publish
    value: str | None        # None for a flag that takes no value


@dataclass
class DockerCommand:
    """One `docker ...` command, read."""
    path: tuple[str, ...]                  # the subcommand, folded: ("run",), ("compose", "up"), ("system", "prune")
    options: list[Option]
    operands: list[str]
    dynamic_operands: bool = False         # an operand is known only at run time
    global_options: list[Option] = field(default_factory=list)
    sources: list[DockerCommand] = field(default_factory=list)   # docker commands whose output feeds it
    group_options: list[Option] = field(default_factory=list)    # `docker compose -p NAME up`: -p NAME

    @property
    def name(self) -> str:
        return " ".join(self.path)

    def argv(self, drop: tuple[str, ...] = ()) -> list[str]:
        """The command as words again, without the options named in `drop` (e.g. -t)."""
        def flat(options: list[Option]) -> list[str]:
            return [w for o in options if o.name not in drop for w in (o.name, o.value) if w is not None]
        return ["docker", *flat(self.global_options), *self.path[:1], *flat(self.group_options), *self.path[1:],
                *flat(self.options), *self.operands]

    def has(self, *names: str) -> bool:
        return any(o.name in names for o in self.options)

    def values(self, *names: str) -> list[str]:
        return [o.value for o in self.options if o.name in names and o.value is not None]

    @property
    def interactive(self) -> bool:
        """`docker run|exec|start` given both -i and -t, in any spelling: a terminal session."""
        if self.path == ("compose", "exec"):
            return not self.has("-T", "--no-TTY")     # Compose gives exec a terminal by default
        return self.path in (("run",), ("exec",)) and self.has("-i", "--interactive") and self.has("-t", "--tty")

    @property
    def image(self) -> str | None:
        """The image a run/create/pull/push names."""
        if self.path in (("run",), ("create",), ("pull",), ("push",)) and self.operands:
            return self.operands[0]
        return None

    @property
    def builds(self) -> bool:
        return self.path == ("build",) or self.path[:2] in (("compose", "build"),)

    def hazards(self) -> list[str]:
        """Why this command may act on objects the page did not create (empty: it can't)."""
        found = []
        if self.path and self.path[-1] == "prune":
            found.append(f"`docker {self.name}` removes objects the page did not create")
        if self.path in REMOVERS and self.dynamic_operands and any(s.path in LISTINGS for s in self.sources):
            listing = next(s for s in self.sources if s.path in LISTINGS)
            found.append(f"`docker {self.name}` on whatever `docker {listing.name}` lists when it runs")
        if self.path in (("run",), ("create",), ("exec",)) and self.has("--privileged"):
            found.append("`--privileged` gives the container the whole host")
        if self.path in (("run",), ("create",)):
            for host in self._host_mounts():
                path = host.rstrip("/") or "/"
                if HOST_MOUNTS.match(path):
                    what = ("the Docker socket" if path.endswith("docker.sock") else
                            f"the engine's state directory {path}" if ENGINE_STATE.match(path) else
                            f"the host's {path}")
                    found.append(f"mounts {what} into the container")
            for flag, power in HOST_NAMESPACES.items():
                if "host" in self.values(flag):
                    found.append(f"`{flag}=host` lets the container {power}")
        return found

    def _host_mounts(self) -> list[str]:
        sources = [v.split(":", 1)[0] for v in self.values("-v", "--volume") if v.startswith("/")]
        for spec in self.values("--mount"):
            fields = dict(part.split("=", 1) for part in spec.split(",") if "=" in part)
            src = fields.get("source") or fields.get("src") or ""
            if src.startswith("/"):
                sources.append(src)
        return sources


def _parse_options(args: list[str], boolean: set[str]) -> tuple[list[Option], list[str], int]:
    """Options up to the first operand (Docker stops there), then the operands.

    Returns (options, operands, index of the first operand in args)."""
    shorts = {f[1] for f in boolean if len(f) == 2}
    options: list[Option] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            return options, args[i + 1:], i + 1
        if not a.startswith("-") or a == "-":
            return options, args[i:], i
        if a.startswith("--"):
            name, eq, value = a.partition("=")
            if eq:
                options.append(Option(name, value))
            elif name in boolean:
                options.append(Option(name, None))
            else:
                options.append(Option(name, args[i + 1] if i + 1 < len(args) else ""))
                i += 1
            i += 1
            continue
        letters = a[1:]
        for k, letter in enumerate(letters):
            if letter in shorts:
                options.append(Option(f"-{letter}", None))
                continue
            attached = letters[k + 1:]
            if attached.startswith("="):
                attached = attached[1:]
            if attached:
                options.append(Option(f"-{letter}", attached))
            else:
                options.append(Option(f"-{letter}", args[i + 1] if i + 1 < len(args) else ""))
                i += 1
            break
        i += 1
    return options, [], len(args)


def read_docker(cmd: SimpleCommand) -> DockerCommand | None:
    """The docker command in a simple command, or None if it is not one."""
    words = cmd.words
    if not words or words[0].rsplit("/", 1)[-1] != "docker":
        return None
    rest = words[1:]
    globals_: list[Option] = []
    while rest and rest[0].startswith("-"):
        name, eq, value = rest[0].partition("=")
        if eq or name in GLOBAL_BOOLEAN:
            globals_.append(Option(name, value if eq else None))
            rest = rest[1:]
        else:
            globals_.append(Option(name, rest[1] if len(rest) > 1 else ""))
            rest = rest[2:]
    if not rest:
        return DockerCommand((), [], [], global_options=globals_)
    offset = len(words) - len(rest)
    group: list[Option] = []
    path: tuple[str, ...] = (rest[0],)
    args = rest[1:]
    if rest[0] in MANAGEMENT and args and not args[0].startswith("-"):
        pair = (rest[0], args[0])
        path = (ALIASES[pair],) if pair in ALIASES else (args[0],) if pair in FOLDED else pair
        args, offset = args[1:], offset + 1
    elif rest[0] == "compose":
        # docker compose [-f FILE] [-p NAME] COMMAND ...
        copts, cargs, first = _parse_options(args, {"--dry-run", "--compatibility", "--all-resources"})
        if cargs:
            path, args, offset = ("compose", cargs[0]), cargs[1:], offset + 1 + first + 1
            group = copts
    key = path[-1] if path[-1] in ("prune", "df") else " ".join(path)
    options, operands, first = _parse_options(args, BOOLEAN.get(key, set()))
    start = offset + 1 + first
    dynamic = any(cmd.is_dynamic(k) for k in range(start, len(words) + 1))
    sources = [d for s in cmd.sources if (d := read_docker(s)) is not None]
    return DockerCommand(path, options, operands, dynamic, globals_, sources, group)


class ShellSession:
    """A page's command lines read in order, as its one shell runs them.

    It follows what a docker listing prints through shell variables: `ids=$(docker ps -q)`,
    `for c in $(docker ps -aq)`, `docker ps -q | while read c`, `mapfile -t ids < <(...)`,
    and variables made from those. A docker command whose operands expand such a variable
    (or whose `xargs` input or substitution does) gets that listing among its `sources`,
    so `hazards()` sees `docker stop $ids` as acting on whatever `docker ps` listed.
    """

    def __init__(self):
        self._listed: dict[str, DockerCommand] = {}    # variable -> the listing its value came from

    def read(self, text: str) -> list[DockerCommand]:
        """The docker commands of one command line, in order (substitutions first)."""
        found = []
        for cmd in _parse(text):
            docker = read_docker(cmd) if cmd.words else None
            if docker is not None:
                listing = self._listing(cmd.sources, cmd.refs_from(1))
                if listing is not None and listing not in docker.sources:
                    docker.sources.append(listing)
                found.append(docker)
            for assignment in cmd.assigns:
                listing = self._listing(assignment.sources, assignment.refs)
                if listing is None:
                    self._listed.pop(assignment.name, None)
                else:
                    self._listed[assignment.name] = listing
        return found

    def _listing(self, sources: list[SimpleCommand], refs: set[str], depth: int = 0) -> DockerCommand | None:
        """The docker listing whose output reaches these commands' output or these variables, if any."""
        for name in sorted(refs):
            if name in self._listed:
                return self._listed[name]
        for source in sources:
            docker = read_docker(source) if source.words else None
            if docker is not None and docker.path in LISTINGS:
                return docker
            if depth < 8 and (found := self._listing(source.sources, source.refs_from(0), depth + 1)):
                return found
        return None


def docker_commands(text: str) -> list[DockerCommand]:
    """Every docker command in a shell command line, in order (substitutions first)."""
    return ShellSession().read(text)
