"""The little Markdown of a deck's texts, as safe HTML (and as plain text).

Deck files come from authors, not from the code: whatever they hold must not run in a page,
on a phone, on the table screen or in a PDF. Two locks: markdown-it-py renders CommonMark with
raw HTML switched off (a tag in the text prints as text), then nh3 (the Rust ammonia sanitiser)
keeps only a handful of tags, one attribute (``href``) and web or mail links, each opening in a
new tab with ``rel="noopener noreferrer"``.

Three shapes, one parser:

- ``render_markdown``: a longer text (the facilitator guide): paragraphs, lists, subheadings.
- ``render_block``: a card's body, follow-up question or facilitator note: the same, but a
  text of one paragraph comes back without its ``<p>``, so it sits in a ``<li>`` or a ``<p>``
  exactly as the plain text did.
- ``render_inline``: a one-line field (a prompt, an option): emphasis, strong, code and links
  only, no block tags (a line starting with ``1.`` or ``-`` stays text).

``plain_text`` is the same text without its Markdown markers, for CSV cells, chart labels,
``<option>`` lists and screen-reader announcements.
"""

from __future__ import annotations

import re

import nh3
from flask import Flask
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

TAGS = {"p", "ul", "ol", "li", "em", "strong", "a", "h3", "h4", "br", "code", "blockquote"}
INLINE_TAGS = {"em", "strong", "a", "code"}
# "*": nh3 keeps `title` and `lang` on every tag unless the generic list is emptied.
ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "*": set()}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer"
# Dropped with their content, should one ever get past markdown-it's escaping.
DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "noscript"}

_parser = MarkdownIt("commonmark", {"html": False})
_LONE_PARAGRAPH = re.compile(r"\A<p>((?:(?!<p>|</p>).)*)</p>\s*\Z", re.DOTALL)


def _clean(html: str, tags: set[str]) -> str:
    return nh3.clean(
        html,
        tags=tags,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        url_relative="deny",  # a relative link in a deck file points nowhere we know
        link_rel=LINK_REL,
        set_tag_attribute_values={"a": {"target": "_blank"}},  # a link never leaves the game
    )


def render_markdown(text: str) -> Markup:
    """``text`` (a little Markdown) as sanitised HTML, safe to put in a template unescaped."""
    return Markup(_clean(_parser.render(text), TAGS))  # sanitised by _clean


def render_block(text: str) -> Markup:
    """A card's longer field (body, follow-up, note): like ``render_markdown``, a lone paragraph unwrapped."""
    html = str(render_markdown(text))
    lone = _LONE_PARAGRAPH.match(html)
    return Markup(lone.group(1) if lone else html.strip())  # sanitised by render_markdown


def render_inline(text: str) -> Markup:
    """A one-line field (prompt, option) as sanitised HTML: em, strong, code and links, no blocks."""
    return Markup(_clean(_parser.renderInline(text), INLINE_TAGS))  # sanitised by _clean


def _inline_text(children: list[Token]) -> str:
    parts = []
    for token in children:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(_inline_text(token.children or []))
    return "".join(parts)


def plain_text(text: str, *, block: bool = False) -> str:
    """``text`` without its Markdown markers: what a reader sees, as plain text.

    Inline (the default, for prompts and options) or, with ``block``, as a longer field: then
    paragraphs and list items each get a line, items with their marker (``- ``, ``1. ``).
    Link targets are dropped. A text without Markdown comes back as it was.
    """
    if not block:
        return _inline_text(_parser.parseInline(text)[0].children or []).strip()
    lines: list[str] = []
    marker = ""
    for token in _parser.parse(text):
        if token.type == "list_item_open":
            marker = f"{token.info}{token.markup} "
        elif token.type in ("inline", "code_block", "fence"):
            content = (
                _inline_text(token.children or []) if token.type == "inline" else token.content.rstrip("\n")
            )
            lines.append(marker + content)
            marker = ""
    return "\n".join(lines).strip()


def init_app(app: Flask) -> None:
    """Template filters: ``inline_md``, ``block_md`` (safe HTML), ``plain_md``, ``plain_block_md`` (text)."""
    app.add_template_filter(lambda text: render_inline(text) if text else Markup(""), "inline_md")
    app.add_template_filter(lambda text: render_block(text) if text else Markup(""), "block_md")
    app.add_template_filter(lambda text: plain_text(text) if text else "", "plain_md")
    app.add_template_filter(lambda text: plain_text(text, block=True) if text else "", "plain_block_md")


__all__ = [
    "INLINE_TAGS",
    "TAGS",
    "init_app",
    "plain_text",
    "render_block",
    "render_inline",
    "render_markdown",
]
