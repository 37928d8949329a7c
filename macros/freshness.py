"""What a page says about its own age: when it last changed, and whether a translation is behind.

- At the end of each page, beside the "examples last passed" note: the date of the last
  commit that changed the page (`git_dates.History.last_change`).
- At the top of a page (above its title) whose counterpart in another language changed its prose and this
  page hasn't followed (`newer_counterpart`, from `git_dates.History.prose_changes`): a
  notice in the page's language, with the date and a link to the newer page, carrying
  the CSS class `translation-behind`. It goes both ways: an English page behind its
  Korean original, a Korean page whose English translation has changed since.

When git can't date either page, nothing is said (see git_dates).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from .git_dates import Change, History

MESSAGES = {
    "ko": {
        "changed": "이 페이지는 {date}에 마지막으로 바뀌었습니다.",
        "behind_title": "{other} 페이지가 더 최신입니다",
        "behind": "이 페이지의 {other}판이 {date}에 바뀌었고, 이 페이지는 그 뒤로 바뀌지 않았습니다. "
                  "내용이 다를 수 있습니다.",
        "read": "{other}판 보기",
        "names": {"ko": "한국어", "en": "영어"},
    },
    "en": {
        "changed": "This page last changed on {date}.",
        "behind_title": "This translation is behind",
        "behind": "The {other} original of this page changed on {date}, after this page was last "
                  "updated, so this page may be out of date.",
        "behind_translation": "The {other} version of this page changed on {date}, after this page was "
                              "last updated, so this page may be out of date.",
        "read": "Read the {other} page",
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


@dataclass(frozen=True)
class Behind:
    """This page (lang) hasn't followed its counterpart in other_lang, which changed at `newer`."""
    lang: str
    other_lang: str
    newer: Change
    href: str          # the counterpart, relative to this page
    original: bool     # the counterpart is the site's original language


def newer_counterpart(history: History, page: Path, counterpart: Path) -> Change | None:
    """The counterpart's last prose change if this page hasn't followed it, else None.

    The two pages' prose changes are taken in history order. A commit that changes both
    puts them in step; a change on one side puts that side ahead, unless the other side
    was ahead, in which case it is the catching up. So a translation brought up to date
    doesn't in turn mark its original as behind. Unknown (a shallow clone's cut before
    the two were last in step): None.
    """
    mine, mine_whole = history.prose_changes(page)
    theirs, theirs_whole = history.prose_changes(counterpart)
    events: dict[str, tuple[Change, set[str]]] = {}
    for side, changes in (("mine", mine), ("theirs", theirs)):
        for change in changes:
            events.setdefault(change.commit, (change, set()))[1].add(side)
    newest_first = sorted(events.values(), key=lambda event: event[0].order)
    in_step = next((i for i, (_c, sides) in enumerate(newest_first) if len(sides) == 2), None)
    if in_step is None and not (mine_whole and theirs_whole):
        return None
    ahead, latest = None, None
    for change, sides in reversed(newest_first[:in_step]):      # oldest first, since last in step
        (side,) = sides
        ahead = side if ahead in (None, side) else None
        if side == "theirs":
            latest = change
    return latest if ahead == "theirs" else None


def notice(b: Behind) -> str:
    """The notice for the top of the page, as an HTML block (Material's admonition look)."""
    text = _text(b.lang)
    other = text["names"].get(b.other_lang, b.other_lang)
    key = "behind" if b.original or "behind_translation" not in text else "behind_translation"
    body = text[key].format(other=other, date=_time(b.newer))
    title = text["behind_title"].format(other=other)
    label = html.escape(text["read"].format(other=other))
    link = f'<a href="{html.escape(b.href)}" hreflang="{b.other_lang}">{label}</a>'
    return (f'<div class="admonition warning translation-behind">\n'
            f'<p class="admonition-title">{html.escape(title)}</p>\n'
            f'<p>{body} {link}</p>\n'
            f'</div>')

