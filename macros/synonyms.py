"""Search that knows how readers write the glossary's terms: the synonym list of one language's site.

Readers type a term the way they know it: 도커파일 or 도커 파일 for Dockerfile, the English
term on the Korean site, the Korean one on the English site. The glossary (docs/glossary.yml)
knows every term's Korean and English spelling and the Korean spellings to avoid, so the
build gives each site's pages the list of them, each with the spelling this site's pages use
(the term in the site's language): `[target, [other spellings], [spellings to avoid]]`.

The search box applies it when the reader searches (overrides/assets/javascripts/search-synonyms.js),
in both generators' search, from http:// and from file://: a spelling to avoid is replaced by
the site's own (no page uses it), and the other language's term brings the site's own along
(see that script for how each search combines the words).
"""

from __future__ import annotations

from pathlib import Path

from . import glossary


def for_site(glossary_file: Path, lang: str) -> list[list]:
    """The synonym list of the site in `lang`, from the glossary ([] without one)."""
    if not glossary_file.is_file():
        return []
    groups = []
    for term in glossary.load(glossary_file):
        target = term.ko if lang == "ko" else term.en
        others = [spelling for spelling in dict.fromkeys((term.ko, term.en)) if spelling != target]
        groups.append([target, others, list(dict.fromkeys(term.avoid))])
    return groups

