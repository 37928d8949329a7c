"""MkDocs hooks of Docker KB (mkdocs.yml: `hooks: [macros/hooks.py]`), for both languages.

What needs MkDocs events the mkdocs-macros module doesn't get:
- each page's links to its other languages (language menu, `<link rel="alternate"
  hreflang>`, both sitemaps), written at build time: alternates.py;
- the palette and other browser-stored choices shared by both languages (Material keys
  them by `extra.scope`, which becomes the Korean root on every page);
- when each page last changed, and the notice on a page whose translation or original
  changed after it (logged at INFO, so `mkdocs build --strict` lists them without
  failing): freshness.py, git_dates.py;
- the 404 page in the site's language: not_found.py;
- the repository and "edit this page" links from $REPO_URL: repository.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import jinja2
from mkdocs.plugins import get_plugin_logger

# MkDocs loads this file by path; the `macros` package is imported from the project,
# as mkdocs-macros does (its modules are shared with the tests).
_PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _PROJECT not in sys.path:
    sys.path.insert(0, _PROJECT)

from macros import alternates, freshness, not_found, repository  # noqa: E402
from macros.git_dates import History  # noqa: E402

log = get_plugin_logger("kb")

# Material's header repository widget fetches stars and forks from the host's API
# (api.github.com) when it has this attribute; without it, it is a plain link.
SOURCE_FACTS = ' data-md-component="source"'

# Per build (keyed by id(config): the English site is built inside the Korean build)
_site_alternate: dict[int, object] = {}     # the site-wide extra.alternate, restored after each page
_languages: dict[int, list] = {}            # alternates.Language of each entry
_files: dict[int, list] = {}                # the documentation pages
_history: dict[int, History | None] = {}    # the docs' git history (None outside git)
_own_scope: dict[int, bool] = {}            # extra.scope is ours to set (mkdocs.yml doesn't)


def on_config(config):
    edit_uri, repo_name = repository.derived_edit_uri(config), repository.derived_repo_name(config)
    if edit_uri:
        config.edit_uri = edit_uri
    if repo_name:
        config.repo_name = repo_name
    _site_alternate[id(config)] = config.extra.get("alternate")
    _languages[id(config)] = alternates.languages(config)
    _own_scope[id(config)] = "scope" not in config.extra
    _history[id(config)] = History.of(Path(config.docs_dir).resolve().parent)
    return config


def on_env(env, config, files):
    original = env.filters["url"]
    if not getattr(original, "_kb_page_href", False):
        @jinja2.pass_context
        def url(context, value):
            if isinstance(value, alternates.PageHref):
                return str(value)
            return original(context, value)
        url._kb_page_href = True
        env.filters["url"] = url
    return env


def _lang(config) -> str:
    return config.theme.get("language", "en")


def on_page_markdown(markdown, page, config, files):
    history = _history.get(id(config))
    if history is None:
        return markdown
    src = Path(page.file.abs_src_path)
    langs = _languages.get(id(config)) or []
    for language in langs:
        if language.lang == _lang(config):
            continue
        other_file = language.docs_dir / page.file.src_uri
        newer = freshness.newer_counterpart(history, src, other_file) if other_file.is_file() else None
        if newer is not None:
            target, _ = language.address(page.file.src_uri, config.use_directory_urls)
            markdown = freshness.insert_at_top(markdown, freshness.notice(freshness.Behind(
                lang=_lang(config), other_lang=language.lang, newer=newer,
                href=alternates.relative_href(target, page.url), original=language is langs[0])))
            log.info(f"translation behind: {_lang(config)}/{page.file.src_uri} has not followed "
                     f"{language.lang}/{page.file.src_uri}, changed on {newer.date}")
    return markdown + freshness.changed_note(history.last_change(src), _lang(config))


def on_page_context(context, page, config, nav):
    if _site_alternate.get(id(config)):
        langs = _languages[id(config)]
        config.extra["alternate"] = alternates.for_page(langs, page, config.use_directory_urls)
        if _own_scope.get(id(config)):
            config.extra["scope"] = alternates.default_root(langs, page.url)
    return context


def on_post_page(output, page, config):
    if id(config) in _site_alternate:
        config.extra["alternate"] = _site_alternate[id(config)]
        if _own_scope.get(id(config)):
            config.extra.pop("scope", None)
    return output.replace(SOURCE_FACTS, "")


def on_post_template(output, template_name, config):
    if template_name == "404.html":
        localized = not_found.localized(output, _lang(config), alternates.homes_from_anywhere(
            _languages.get(id(config)) or [], config.site_url, _lang(config)))
        if localized is None:
            log.warning(f"404.html: Material's heading {not_found.MATERIAL_HEADING!r} was not found; "
                        "the 404 page is not in the site's language (see macros/not_found.py)")
        return (localized or output).replace(SOURCE_FACTS, "")
    if template_name == "sitemap.xml":
        pages = [f.page for f in _files.get(id(config), []) if f.page is not None]
        return alternates.sitemap_with_alternates(output, config, _languages.get(id(config)) or [], pages)
    return output


def on_files(files, config):
    _files[id(config)] = list(files.documentation_pages())
    return files


def on_post_build(config):
    for state in (_site_alternate, _languages, _files, _history, _own_scope):
        state.pop(id(config), None)
