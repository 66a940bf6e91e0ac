"""The interface language, and the words every feature shows for the fixed scales and bands.

A visitor's choice with the language links (a cookie) wins; until they choose, the browser's
Accept-Language decides between Dutch and English, and Dutch is the default.
"""

from __future__ import annotations

from babel import negotiate_locale
from flask import current_app, request
from flask_babel import get_locale
from flask_babel import gettext as _

LANG_COOKIE = "kk_lang"
DEFAULT = "nl"


def select_locale() -> str:
    """The language the visitor chose, else the best of the browser's languages, else Dutch."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen is not None and chosen in languages:
        return chosen
    # Babel, not werkzeug's best_match: that one prefers an exact "nl;q=0.5" to "en-GB" at q=1.
    wanted = [tag.lower() for tag, quality in request.accept_languages if quality > 0]
    return negotiate_locale(wanted, languages, sep="-", aliases={}) or DEFAULT


def lang() -> str:
    """The language of this request, as a plain code ("nl" or "en")."""
    return str(get_locale() or DEFAULT)


def scale_labels() -> dict[str, list[str]]:
    """The five points of the agree scale and the frequency scale, 1 to 5."""
    return {
        "statement": [
            _("Strongly disagree"),
            _("Disagree"),
            _("Neither agree nor disagree"),
            _("Agree"),
            _("Strongly agree"),
        ],
        "frequency": [
            _("Never"),
            _("Rarely"),
            _("Sometimes"),
            _("Often"),
            _("Always"),
        ],
    }


def band_names() -> dict[str, str]:
    """What a sensitive card shows instead of exact counts (PRODUCT.md rule 7)."""
    return {"few": _("none or a few"), "some": _("part of the table"), "almost_all": _("most or all")}
