"""The interface language, and the words every feature shows for the fixed scales and bands.

Dutch is the default; a visitor switches with the language links, which set a cookie.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import get_locale
from flask_babel import gettext as _

LANG_COOKIE = "kk_lang"
DEFAULT = "nl"


def select_locale() -> str:
    """Dutch unless the visitor chose English with the language switch."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen is not None and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return DEFAULT


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
