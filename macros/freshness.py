"""What a page says about its own age: when it last changed, and whether a translation is behind
the original it was translated from.

- At the end of each page, beside the "examples last passed" note: the date of the last
  commit that changed the page (`git_dates.History.last_change`).
- A translation records the revision of the original it follows, in a comment readers don't
  see, on a line of its own (at its end: the lines of the page, and so the runner's report
  on them, stay where they are):

      <!-- original_revision: 3f1c0e2d9a4b... -->     (written by ./kb translation ack PAGE)

  Without one, it follows the original as it was when the translation's prose last changed
  (a commit that changes both pages puts them in step; the translation catching up later
  counts too). The translation is behind when the original's prose (git_dates.prose: updated
  example outputs don't count) is not what it was at that revision. Such a page starts
  (above its title) with a notice in its own language, with the date of the original's last
  change, a link to it, and, for the translator, the original's changes since that revision
  (a unified diff, folded); it carries the CSS class `translation-behind`. The original is
  never behind its translations: a change made to a translation alone (a better wording)
  asks nothing of the original.

When git can't tell (no history, a file not committed, a revision this clone doesn't have),
nothing is said. A recorded revision that isn't a commit hash fails the build at its line.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from docmodel.errors import SourceError

from .git_dates import Change, History, prose

KEY = "original_revision"
REVISION = re.compile(r"^[0-9a-f]{7,40}$")
DIFF_LINES = 400           # the diff a notice shows at most

MESSAGES = {
    "ko": {
        "changed": "이 페이지는 {date}에 마지막으로 바뀌었습니다.",
        "behind_title": "이 번역은 원문보다 오래되었습니다",
        "behind": "이 페이지의 {other} 원문이 {date}에 바뀌었고, 이 번역은 그 앞의 원문을 옮긴 것입니다. "
                  "내용이 다를 수 있습니다.",
        "read": "{other} 원문 보기",
        "diff": "번역하는 분께: 이 번역이 따르는 판({revision}, {date}) 뒤로 {other} 원문에서 바뀐 내용",
        "more": "… 그 밖에 {lines}줄 더 바뀌었습니다. 전부 보려면: ./kb translation diff {page}",
        "names": {"ko": "한국어", "en": "영어"},
    },
    "en": {
        "changed": "This page last changed on {date}.",
        "behind_title": "This translation is behind",
        "behind": "The {other} original of this page changed on {date}, after the version this translation "
                  "follows, so this page may be out of date.",
        "read": "Read the {other} page",
        "diff": "For translators: what changed in the {other} original since the version this translation "
                "follows ({revision}, {date})",
        "more": "… and {lines} more lines. All of it: ./kb translation diff {page}",
        "names": {"ko": "Korean", "en": "English"},
    },
}


def _text(lang: str) -> dict:
    return MESSAGES.get(lang, MESSAGES["en"])


def _time(change: Change) -> str:
    stamp = change.time.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f'<time datetime="{stamp}">{change.date}</time>'


def changed_note(change: Change | None, lang: str) -> str:
    """An HTML paragraph for the end of the page, or "" when the date is unknown."""
    if change is None:
        return ""
    return f'<p class="kb-changed">{_text(lang)["changed"].format(date=_time(change))}</p>'


RECORD = re.compile(rf"^<!--\s*{KEY}\s*:\s*(?P<value>.*?)\s*-->\s*$")


def recorded_revision(page: Path, shown: str) -> str | None:
    """The revision of the original the translation at `page` records (see the module's docstring)."""
    for number, line in enumerate(page.read_text(encoding="utf-8-sig").splitlines(), start=1):
        found = RECORD.match(line)
        if found:
            if not REVISION.match(found["value"]):
                raise SourceError(shown, number, f"{KEY}: {found['value']!r} is not a commit hash "
                                                 "(7 to 40 hex digits): ./kb translation ack writes it")
            return found["value"]
    return None


def record_revision(page: Path, revision: str) -> None:
    """Record `revision` in the page: its record line replaced, or one added at its end."""
    lines = page.read_text(encoding="utf-8").split("\n")
    record = f"<!-- {KEY}: {revision} -->"
    at = next((i for i, line in enumerate(lines) if RECORD.match(line)), None)
    if at is not None:
        lines[at] = record
    else:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["", record, ""]
    page.write_text("\n".join(lines), encoding="utf-8")


@dataclass(frozen=True)
class Follows:
    """Where a translation stands against its original."""
    revision: Change          # the revision of the original it follows
    recorded: bool            # written in the translation (else: implied by its last prose change)
    before: str               # the original's text at that revision
    now: str                  # the original's text now (its last commit)
    newer: Change | None      # the original's last prose change, when that is not the revision's prose

    @property
    def behind(self) -> bool:
        return self.newer is not None

    def diff(self, original: str) -> list[str]:
        return list(difflib.unified_diff(self.before.splitlines(), self.now.splitlines(),
                                         f"{original} ({self.revision.commit[:12]})", f"{original} (now)",
                                         n=2, lineterm=""))


def follows(history: History, translation: Path, original: Path, recorded: str | None) -> Follows | None:
    """The revision of `original` the translation follows and whether it is behind; None when git can't tell."""
    if recorded:
        revision = history.revision(recorded)
    else:
        changes, _whole = history.prose_changes(translation)
        revision = changes[0] if changes else None
    last = history.last_change(original)
    if revision is None or last is None:
        return None
    before, now = history.text_at(revision.commit, original), history.text_at(last.commit, original)
    if before is None or now is None:
        return None
    newer = None
    if prose(before) != prose(now):
        changes, _whole = history.prose_changes(original)
        newer = changes[0] if changes else last
    return Follows(revision, bool(recorded), before, now, newer)


@dataclass(frozen=True)
class Behind:
    """This page (lang) follows an older version of its original (other_lang)."""
    lang: str
    other_lang: str
    state: Follows
    href: str          # the original, relative to this page
    original: str      # the original's source, as the diff names it (ko/containers.md)
    page: str          # the page's file name, for ./kb translation diff


def notice(b: Behind) -> str:
    """The notice for the top of the page, as an HTML block (Material's admonition look)."""
    text = _text(b.lang)
    other = text["names"].get(b.other_lang, b.other_lang)
    body = text["behind"].format(other=other, date=_time(b.state.newer))
    title = text["behind_title"]
    label = html.escape(text["read"].format(other=other))
    link = f'<a href="{html.escape(b.href)}" hreflang="{b.other_lang}">{label}</a>'
    lines = b.state.diff(b.original)
    shown = "\n".join(html.escape(line) for line in lines[:DIFF_LINES])
    if len(lines) > DIFF_LINES:
        shown += "\n" + html.escape(text["more"].format(lines=len(lines) - DIFF_LINES, page=b.page))
    summary = text["diff"].format(other=other, revision=html.escape(b.state.revision.commit[:12]),
                                  date=_time(b.state.revision))
    return (f'<div class="admonition warning translation-behind">\n'
            f'<p class="admonition-title">{html.escape(title)}</p>\n'
            f'<p>{body} {link}</p>\n'
            f'<details class="translation-diff"><summary>{summary}</summary>\n'
            f'<pre><code>{shown}</code></pre>\n</details>\n'
            f'</div>')
