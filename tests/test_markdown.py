"""The facilitator guide's Markdown: what an author may use renders, nothing that could run survives."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from koerskaart.markdown import TAGS, render_markdown

ALLOWED_TAG = re.compile(r"</?([a-zA-Z0-9]+)")


def _tags(html: str) -> set[str]:
    return {name.lower() for name in ALLOWED_TAG.findall(html)}


def test_the_little_markdown_of_a_guide_renders() -> None:
    html = render_markdown(
        "### Voor je begint\n\nSpeel **niet** bij een *open* conflict.\n\n"
        "- de vertrouwenspersoon\n- [integriteit](https://example.org/meld)\n\n"
        "1. een\n2. twee\n\n#### Daarna\n\n> Wat neem je mee?\n\nMail [ons](mailto:kk@example.org)."
    )
    assert isinstance(html, Markup)
    assert "<h3>Voor je begint</h3>" in html
    assert "<h4>Daarna</h4>" in html
    assert "<strong>niet</strong>" in html and "<em>open</em>" in html
    assert "<ul>" in html and "<ol>" in html and "<blockquote>" in html
    assert (
        '<a href="https://example.org/meld" target="_blank" rel="noopener noreferrer">integriteit</a>' in html
    )
    assert '<a href="mailto:kk@example.org" target="_blank" rel="noopener noreferrer">ons</a>' in html


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<a href="javascript:alert(1)">klik</a>',
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](java\tscript:alert(1))",
    "[klik](java&#x09;script:alert(1))",
    "[klik](&#106;avascript:alert(1))",
    "[klik](vbscript:msgbox(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klik](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '![x](https://evil.example/p.png "x" onerror=alert(1))',
    '[klik](https://ok.example/" onclick="alert(1))',
    "<div><p onclick=alert(1)>raw</p></div>",
    "**<b onmouseover=alert(1)>x</b>**",
    "<<script>script>alert(1)<</script>/script>",
    "<!-- <script>alert(1)</script> -->",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    '<form action="https://evil.example"><input name=x></form>',
    "[ref][1]\n\n[1]: javascript:alert(1)",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_that_could_run_survives(text: str) -> None:
    html = str(render_markdown(text))
    assert _tags(html) <= TAGS, html
    lowered = html.lower()
    for danger in (
        "javascript:",
        "vbscript:",
        "data:",
        " on",
        "<script",
        "<img",
        "<svg",
        "<iframe",
        "<style",
    ):
        # Text may mention them (escaped, as text); no tag or attribute may carry them.
        for tag in re.findall(r"<[^>]+>", lowered):
            assert danger not in tag, html
    hrefs = [href for tag in re.findall(r"<[^>]+>", html) for href in re.findall(r'href="([^"]*)"', tag)]
    for href in hrefs:
        assert href.startswith(("http://", "https://", "mailto:")), html


@given(st.text(alphabet=st.sampled_from(list("<>/=\"' ()[]!:&#;*-\nascriptjvonerlfhimg1")), max_size=80))
def test_no_input_yields_a_tag_or_attribute_outside_the_list(text: str) -> None:
    html = str(render_markdown(text))
    assert _tags(html) <= TAGS
    for attributes in re.findall(r"<[a-z0-9]+((?:\s[^>]*)?)>", html):
        names = set(re.findall(r'\s([a-z-]+)="', attributes))
        assert names <= {"href", "rel", "target"}, html
