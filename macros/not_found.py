"""The 404 page in the site's language, pointing readers of the other languages home too.

Material's 404.html says "404 - Not found" in English whatever the language; the hook
replaces that heading in the rendered page (no template override needed). If Material
ever changes it, the build warns (and `--strict` fails), so it can't silently revert.

GitHub Pages serves the site's top-level 404.html for every missing address, under
`en/` too, so each 404 page also says, in each other language, where that language's
pages start (an absolute address: a 404 page is served at whatever path was asked for).
"""

from __future__ import annotations

import html

MATERIAL_HEADING = "<h1>404 - Not found</h1>"

MESSAGES = {
    "ko": ("404 - 페이지를 찾을 수 없습니다",
           "주소가 바뀌었거나 잘못 입력되었을 수 있습니다. 왼쪽 목차나 검색으로 찾을 수 있습니다.",
           "한국어 페이지는 {link}에서 시작합니다.", "여기"),
    "en": ("404 - Page not found",
           "The address may have changed or been mistyped. Try the navigation or the search.",
           "The English pages start {link}.", "here"),
}


def localized(output: str, lang: str, others: list[tuple[str, str]] = ()) -> str | None:
    """The 404 page in `lang`, with a line in each of `others` ((lang, absolute home address));
    None when Material's heading isn't where it was."""
    if MATERIAL_HEADING not in output:
        return None
    title, text, _, _ = MESSAGES.get(lang, MESSAGES["en"])
    parts = [f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(text)}</p>"]
    for other, home in others:
        if other not in MESSAGES:
            continue
        _, _, where, word = MESSAGES[other]
        link = f'<a href="{html.escape(home)}" hreflang="{other}">{html.escape(word)}</a>'
        parts.append(f'<p lang="{other}" class="kb-other-language">{where.format(link=link)}</p>')
    return output.replace(MATERIAL_HEADING, "\n".join(parts), 1)
