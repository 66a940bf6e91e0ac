"""The little Markdown of a deck's longer texts (the facilitator guide), as safe HTML.

Deck files come from authors, not from the code: whatever they hold must not run in a page
or a PDF. Two locks: markdown-it-py renders CommonMark with raw HTML switched off (a tag in
the text prints as text), then nh3 (the Rust ammonia sanitiser) keeps only a handful of
tags, one attribute (``href``) and web or mail links, each with ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {"p", "ul", "ol", "li", "em", "strong", "a", "h3", "h4", "br", "code", "blockquote"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Dropped with their content, should one ever get past markdown-it's escaping.
DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "noscript"}

_parser = MarkdownIt("commonmark", {"html": False})


def render_markdown(text: str) -> Markup:
    """``text`` (a little Markdown) as sanitised HTML, safe to put in a template unescaped."""
    html = _parser.render(text)
    clean = nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        url_relative="deny",  # a relative link in a deck file points nowhere we know
        link_rel="noopener noreferrer",
    )
    return Markup(clean)  # sanitised just above
