"""Card text's little Markdown (koerskaart/markdown.py): render_inline, render_block and plain_text.

What an author may use renders; nothing in the hostile list yields a tag, an attribute or a link
scheme outside the allow-list; the bundled decks, which use no Markdown, render unchanged.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import render_template_string
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from koerskaart.content import load_bundled
from koerskaart.content.loader import load_deck_file
from koerskaart.content.schema import Deck
from koerskaart.deckprint import deck_print_html, render_deck_pdf
from koerskaart.engine import CardKind, RoundStatus, TableStatus
from koerskaart.markdown import INLINE_TAGS, TAGS, plain_text, render_block, render_inline
from koerskaart.reports.aggregate import CardAggregate
from koerskaart.reports.exports import to_csv
from koerskaart.reports.summary import CardSummary, TeamSummary
from tests.helpers.apps import fresh_app
from tests.helpers.hostile_markdown import HOSTILE, LONG, hostile_deck

TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)((?:\s[^>]*)?)>")
ALLOWED_ATTRIBUTES = {"href", "rel", "target"}


def _problems(rendered: str, tags: set[str]) -> list[str]:
    problems = []
    for closing, name, attributes in TAG.findall(rendered):
        if name.lower() not in tags:
            problems.append(f"tag {name}")
        names = re.findall(r'\s([^\s=]+)="', attributes)
        if not set(names) <= ALLOWED_ATTRIBUTES:
            problems.append(f"attributes {names}")
        if re.sub(r'\s[a-z]+="[^"<>]*"', "", attributes).strip():
            problems.append(f"stray attribute text {attributes!r}")
        for href in re.findall(r'href="([^"]*)"', attributes):
            if not href.startswith(("http://", "https://", "mailto:")):
                problems.append(f"href {href}")
        opens_link = name.lower() == "a" and not closing
        if opens_link and (
            'rel="noopener noreferrer"' not in attributes or 'target="_blank"' not in attributes
        ):
            problems.append(f"link without rel/target {attributes!r}")
    # No '<' outside a tag of the allow-list: escaped text only.
    if "<" in TAG.sub("", rendered):
        problems.append("a bare <")
    return problems


def test_inline_renders_emphasis_strong_code_and_links() -> None:
    rendered = render_inline("Wat *zie* je **echt**, `hier` en [daar](https://example.org/x)?")
    assert isinstance(rendered, Markup)
    assert rendered == (
        "Wat <em>zie</em> je <strong>echt</strong>, <code>hier</code> en "
        '<a href="https://example.org/x" target="_blank" rel="noopener noreferrer">daar</a>?'
    )
    assert render_inline("[mail](mailto:kk@example.org)") == (
        '<a href="mailto:kk@example.org" target="_blank" rel="noopener noreferrer">mail</a>'
    )


def test_inline_has_no_block_tags() -> None:
    for text in ("- een\n- twee", "1. Wat vind je?", "# Kop", "> citaat", "een\n\ntwee", "    code"):
        rendered = str(render_inline(text))
        assert _problems(rendered, INLINE_TAGS) == [], rendered
        assert "<" not in rendered, rendered  # no markup at all: block syntax stays text


def test_block_renders_lists_and_unwraps_one_paragraph() -> None:
    assert render_block("Eén *alinea*.") == "Eén <em>alinea</em>."
    rendered = render_block("Bespreek:\n\n- **wie**\n- wat\n\n1. eerst\n2. dan")
    assert "<p>Bespreek:</p>" in rendered
    assert "<ul>\n<li><strong>wie</strong></li>" in rendered and "<ol>" in rendered


def test_plain_text_strips_the_markers() -> None:
    assert plain_text("Wat *zie* je **echt** bij [de buren](https://example.org)?") == (
        "Wat zie je echt bij de buren?"
    )
    assert plain_text("1. Wat vind je?") == "1. Wat vind je?"  # inline: no list here
    assert plain_text("Kies:\n\n- *een*\n- twee", block=True) == "Kies:\n- een\n- twee"
    assert plain_text("<b>x</b> & y") == "<b>x</b> & y"  # as text, for a CSV cell or textContent


@pytest.mark.parametrize("text", [*HOSTILE, LONG, LONG * 50])
@pytest.mark.parametrize("render", [render_inline, render_block], ids=["inline", "block"])
def test_no_hostile_input_yields_a_tag_or_attribute_outside_the_allow_list(text: str, render: object) -> None:
    assert callable(render)
    rendered = str(render(text))
    assert _problems(rendered, INLINE_TAGS if render is render_inline else TAGS) == [], rendered
    # Whatever was written is there as text, never as code: no "javascript:" in an attribute.
    for _closing, _name, attributes in TAG.findall(rendered):
        for scheme in ("javascript:", "vbscript:", "data:"):
            assert scheme not in html.unescape(attributes).lower()


def test_the_hostile_list_is_long_enough() -> None:
    assert len(HOSTILE) >= 20


@given(
    st.text(alphabet=st.sampled_from(list("<>/=\"' ()[]!:&#;*_`-\nascriptjvonerlfhimg1\u202e")), max_size=80)
)
def test_no_input_yields_a_tag_outside_the_inline_list(text: str) -> None:
    assert _problems(str(render_inline(text)), INLINE_TAGS) == []
    assert _problems(str(render_block(text)), TAGS) == []


def _card_texts(deck: Deck) -> list[tuple[str, bool]]:
    """(text, is a block field) of every card text in every language."""
    found: list[tuple[str, bool]] = []
    for card in [*deck.cards, *deck.retired]:
        inline = [card.prompt, *(card.options or []), card.source]
        block = [card.body, card.facilitator, *card.follow_up]
        if card.conference:
            inline.append(card.conference.prompt)
            block += [card.conference.body, *(card.conference.follow_up or [])]
        for texts, is_block in ((inline, False), (block, True)):
            for value in texts:
                if value is not None:
                    found += [(text, is_block) for text in (value.nl, value.en) if text]
    return found


@pytest.mark.parametrize("slug", sorted(load_bundled()))
def test_the_bundled_decks_render_unchanged(slug: str) -> None:
    texts = _card_texts(load_bundled()[slug])
    assert texts
    for text, is_block in texts:
        rendered = str(render_block(text) if is_block else render_inline(text))
        assert "<" not in rendered, rendered  # no tag: these decks use no Markdown
        assert html.unescape(rendered) == text
        assert plain_text(text, block=is_block) == text


def test_the_team_csv_gets_plain_text_and_keeps_its_formula_guard() -> None:
    moment = datetime(2026, 3, 1, 10, tzinfo=UTC)
    summary = TeamSummary("Deck", TableStatus.ENDED, moment, moment, players=5, k=3)
    aggregate = CardAggregate(0, CardKind.CHOICE, RoundStatus.REVEALED, n=4, counts=(3, 1))
    summary.cards = [
        CardSummary(
            1,
            "=Wat **echt** telt bij [ons](https://example.org)?",
            None,
            CardKind.CHOICE,
            False,
            ("*Ruimte*", "+`Regels`"),
            aggregate,
        )
    ]
    cells = [cell for row in csv_rows(to_csv(summary, str, {})) for cell in row]
    assert "'=Wat echt telt bij ons?" in cells  # markers gone, the formula guard still there
    assert "Ruimte" in cells and "'+Regels" in cells
    assert not any("**" in cell or "](" in cell for cell in cells)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_templates_render_card_text_through_the_filters() -> None:
    with fresh_app() as app, app.test_request_context():
        rendered = render_template_string(
            "{{ p|inline_md }}|{{ b|block_md }}|{{ p|plain_md }}|{{ none|inline_md }}",
            p="**<b>x</b>**",
            b="- *een*",
            none=None,
        )
    assert (
        rendered
        == "<strong>&lt;b&gt;x&lt;/b&gt;</strong>|<ul>\n<li><em>een</em></li>\n</ul>|&lt;b&gt;x&lt;/b&gt;|"
    )


def test_the_print_version_of_a_hostile_deck_holds_only_its_own_markup(tmp_path: Path) -> None:
    deck, problems = load_deck_file(hostile_deck(tmp_path))
    assert deck is not None, problems
    with fresh_app() as app, app.test_request_context():
        printed = deck_print_html(deck, "nl")
        assert render_deck_pdf(deck, "nl").startswith(b"%PDF")
    # The template's cut marks carry a style of its own; everything else is checked.
    tags = [tag for tag in re.findall(r"<[a-zA-Z][^>]*>", printed) if not tag.startswith('<div class="mark ')]
    names = {tag[1:].split(">")[0].split()[0].lower() for tag in tags}
    template = {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "section",
        "article",
        "div",
        "span",
        "h1",
        "h2",
    }
    assert names <= template | TAGS, names
    attributes = {name for tag in tags for name in re.findall(r'\s([a-z-]+)="', tag)}
    assert attributes <= {"charset", "lang", "class", "href", "rel", "target", "name", "content"}, attributes
    for tag in tags:
        for scheme in ("javascript:", "vbscript:", "data:"):
            assert scheme not in html.unescape(tag).lower(), tag
