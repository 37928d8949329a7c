"""When each page last changed, from git history: any change, and a change of its prose.

- `last_change(file)`: the last commit that changed the file at all (the date readers see
  under "last changed");
- `prose_changes(file)`: the commits that changed the page's prose, i.e. anything but
  the inside of fenced code blocks (runner output updates don't count; adding or removing
  a whole block does, since the translation must follow it). Translations are compared
  on these (freshness.py).

Only committed history counts: edits not yet committed show from their commit on.
When git can't tell, the answer is None (no date, no comparison), never a guess:
not a git checkout, a file git doesn't track, or a shallow clone (CI's default
`fetch-depth: 1`) whose history stops before the file's last change. In a shallow
clone the commits at the cut (listed in .git/shallow) look as if they added every
file, so a change found there is treated as unknown. A file's modification time is
not used: in a fresh checkout it is the checkout's time.

Commits are ordered as `git log --topo-order` lists them; dates are committer dates
(when the change entered the history), in UTC.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar


@dataclass(frozen=True)
class Change:
    commit: str
    order: int          # position in the history, 0 = the newest commit that changed the docs
    time: datetime      # committer time, UTC

    @property
    def date(self) -> str:
        return self.time.strftime("%Y-%m-%d")


_FENCE_OPEN = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")


def prose(text: str) -> str:
    """The page without what is inside its fenced code blocks (each block becomes one marker
    line), trailing spaces ignored. Fences may be indented (inside admonitions, tabs)."""
    out: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        if fence is None:
            opened = _FENCE_OPEN.match(line)
            if opened and not (opened[1][0] == "`" and "`" in opened[2]):
                fence = opened[1]
                out.append("```")
            else:
                out.append(line.rstrip())
        else:
            closing = line.strip()
            if len(closing) >= len(fence) and closing == fence[0] * len(closing):
                fence = None
    return "\n".join(out).strip()


def _git(cwd: Path, *args: str, input: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd, input=input,
                              capture_output=True, check=False)
    except OSError:        # no git on this machine
        return None
    return done.stdout if done.returncode == 0 else None


class History:
    """The git history of one folder (the docs) in one repository, read once per HEAD."""

    _cache: ClassVar[dict[tuple, History]] = {}

    def __init__(self, top: Path, folder: Path, shallow_cuts: frozenset[str] = frozenset()):
        self.top = top
        self.folder = folder
        self.shallow = shallow_cuts
        self.commits: dict[str, list[Change]] = {}     # path from the top -> newest first
        self._prose: dict[str, tuple[list[Change], bool]] = {}
        log = _git(top, "log", "--topo-order", "--no-renames", "--format=%x1e%H %ct", "--name-only",
                   "--", str(folder.relative_to(top)) or ".")
        for order, entry in enumerate((log or b"").decode("utf-8", "replace").split("\x1e")[1:]):
            head, *paths = entry.strip("\n").split("\n")
            sha, stamp = head.split()
            change = Change(sha, order, datetime.fromtimestamp(int(stamp), tz=UTC))
            for path in filter(None, paths):
                self.commits.setdefault(path, []).append(change)

    @classmethod
    def of(cls, folder: Path) -> History | None:
        """The history of `folder`, or None when it isn't in a git checkout with commits."""
        folder = folder.resolve()
        top = _git(folder, "rev-parse", "--show-toplevel")
        head = _git(folder, "rev-parse", "HEAD")
        if top is None or head is None:
            return None
        top_path = Path(top.decode().strip()).resolve()
        shallow_file = _git(folder, "rev-parse", "--path-format=absolute", "--git-path", "shallow")
        shallow_path = Path(shallow_file.decode().strip()) if shallow_file else top_path / ".git" / "shallow"
        cuts = frozenset(shallow_path.read_text().split()) if shallow_path.is_file() else frozenset()
        key = (top_path, folder, head.strip(), cuts)
        if key not in cls._cache:
            cls._cache.clear()           # one history at a time: the one of the current HEAD
            cls._cache[key] = cls(top_path, folder, cuts)
        return cls._cache[key]

    def _key(self, file: Path) -> str | None:
        try:
            return Path(file).resolve().relative_to(self.top).as_posix()
        except ValueError:
            return None

    def last_change(self, file: Path) -> Change | None:
        """The last commit that changed the file, or None if git can't tell."""
        changes = self.commits.get(self._key(file) or "")
        if not changes or changes[0].commit in self.shallow:
            return None
        return changes[0]

    def revision(self, rev: str) -> Change | None:
        """The commit `rev` names (a full or abbreviated hash), or None when this clone doesn't have it."""
        found = _git(self.top, "log", "-1", "--format=%H %ct", f"{rev}^{{commit}}", "--")
        if not found:
            return None
        sha, stamp = found.decode().split()
        known = next((c for changes in self.commits.values() for c in changes if c.commit == sha), None)
        return known or Change(sha, -1, datetime.fromtimestamp(int(stamp), tz=UTC))

    def text_at(self, commit: str, file: Path) -> str | None:
        """The file's text in `commit`, or None when it isn't there (or isn't in this clone)."""
        key = self._key(file)
        return self._read([f"{commit}:{key}"])[0] if key else None

    def prose_changes(self, file: Path) -> tuple[list[Change], bool]:
        """The commits that changed the file's prose (see `prose`), newest first, and whether
        that is its whole history (False when a shallow clone's cut hides the older part)."""
        key = self._key(file)
        if key is None:
            return [], False
        if key not in self._prose:
            self._prose[key] = self._find_prose_changes(key)
        return self._prose[key]

    def _find_prose_changes(self, key: str) -> tuple[list[Change], bool]:
        changes = self.commits.get(key) or []
        found: list[Change] = []
        blobs = self._read([f"{c.commit}{suffix}:{key}" for c in changes for suffix in ("", "^")])
        for i, change in enumerate(changes):
            if change.commit in self.shallow:
                return found, False      # the history stops here: what this commit changed is unknown
            after, before = blobs[2 * i], blobs[2 * i + 1]
            if before is None or prose(after or "") != prose(before):
                found.append(change)
        return found, bool(changes)

    def _read(self, revisions: list[str]) -> list[str | None]:
        """The text of each `rev:path` (None when it doesn't exist), with one git process."""
        data = _git(self.top, "cat-file", "--batch", input="".join(r + "\n" for r in revisions).encode())
        if data is None:
            return [None] * len(revisions)
        texts: list[str | None] = []
        pos = 0
        for _ in revisions:
            end = data.index(b"\n", pos)
            header = data[pos:end].split()
            pos = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                texts.append(data[pos:pos + size].decode("utf-8", "replace"))
                pos += size + 1
            else:               # "<rev> missing": no such file in that commit (or no parent)
                texts.append(None)
        return texts
