"""The studio's URLs of one deck, read from the app's url_map with plausible path values, so a test
that walks them covers a new studio page the day it is added."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from werkzeug.routing import Rule

from koerskaart.models import StudioDeck

PREFIX = "/studio/<public_id>"
METHODS_LEFT_OUT = {"HEAD", "OPTIONS"}  # Flask answers these like GET, or by itself
# <converter(arguments):name>, or <name> for the default converter
PARAMETER = re.compile(r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_]\w*)>")


@dataclass(frozen=True)
class Probe:
    rule: str
    method: str
    url: str


def studio_rules(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.rule.startswith(PREFIX)), key=lambda r: r.rule
    )


def _value(converter: str | None, name: str, deck: StudioDeck, card_id: str) -> str:
    """A plausible value for a path parameter, so the view gets as far as its checks."""
    if name == "public_id":
        return deck.public_id
    if converter == "int":
        return "1"  # version 1 exists (published)
    if converter == "float":
        return "1.0"
    if converter == "uuid":
        return "00000000-0000-4000-8000-000000000000"
    if "card" in name:
        return card_id
    if "lang" in name:
        return "nl"
    if "slug" in name:
        return deck.slug
    return "1"


def probes(app: Flask, deck: StudioDeck, card_id: str) -> list[Probe]:
    probes = []
    for rule in studio_rules(app):
        url = PARAMETER.sub(lambda m: _value(m.group("converter"), m.group("name"), deck, card_id), rule.rule)
        for method in sorted((rule.methods or set()) - METHODS_LEFT_OUT):
            probes.append(Probe(rule.rule, method, url))
    return probes
