"""The 404 page in the site's language.

Material's 404.html says "404 - Not found" in English whatever the language; the hook
replaces that heading in the rendered page (no template override needed). If Material
ever changes it, the build warns (and `--strict` fails), so it can't silently revert.
"""

from __future__ import annotations

import html

MATERIAL_HEADING = "<h1>404 - Not found</h1>"

MESSAGES = {
    "ko": ("404 - 페이지를 찾을 수 없습니다",
           "주소가 바뀌었거나 잘못 입력되었을 수 있습니다. 왼쪽 목차나 검색으로 찾아 보세요."),
    "en": ("404 - Page not found",
           "The address may have changed or been mistyped. Try the navigation or the search."),
}


def localized(output: str, lang: str) -> str | None:
    """The 404 page in `lang`, or None when Material's heading isn't where it was."""
    if MATERIAL_HEADING not in output:
        return None
    title, text = MESSAGES.get(lang, MESSAGES["en"])
    return output.replace(MATERIAL_HEADING, f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(text)}</p>", 1)
