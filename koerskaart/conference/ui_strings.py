"""Every string the dashboard and big-screen scripts show, translated on the server."""

from __future__ import annotations

from flask_babel import gettext

from ..i18n import band_names


def dashboard_strings() -> dict[str, str]:
    return {}


def screen_strings() -> dict[str, str]:
    """The strings of the event's big screen script (static/js/plenary.js), in the current language."""
    strings = {
        # connection
        "connecting": gettext("Connecting to the event…"),
        "reconnecting": gettext("Connection lost. Reconnecting…"),
        "reconnected": gettext("Connected again."),
        "missing_key": gettext(
            "This big screen link is incomplete. Open it again from the facilitator's dashboard."
        ),
        "refused": gettext(
            "This big screen cannot connect. The link may have been replaced by a newer one: "
            "open it again from the dashboard."
        ),
        "error_server_error": gettext("Something went wrong on the server. Nothing was saved; try again."),
        "fullscreen": gettext("Full screen"),
        "fullscreen_exit": gettext("Leave full screen"),
        "countdown_left": gettext("Time left: %(time)s"),
        "countdown_up": gettext("Time is up"),
        "page_of": gettext("Page %(n)s of %(total)s"),
        # what a screen reader hears when the screen changes
        "announce_join": gettext("The screen shows the join code."),
        "announce_waiting": gettext("%(prompt)s. Waiting for at least 3 tables."),
        "announce_result": gettext("%(prompt)s. The result of %(n)s people at %(tables)s tables."),
        # the result of the room
        "people_at_tables": gettext("%(n)s people at %(tables)s tables"),
        "based_on": gettext("Based on %(n)s answers"),
        "group_manager": gettext("Managers"),
        "group_employee": gettext("Employees"),
        "sensitive_note": gettext(
            "A sensitive card: to protect anonymity it shows no exact numbers, only "
            "“none or a few”, “part of the room” and “most or all”."
        ),
        "open_answers": gettext("The answers, in random order"),
        "texts_not_kept": gettext("%(n)s answers; the texts were not kept."),
        # the spread: %(share)s is a rounded percentage such as "15%"
        "spread_low": gettext(
            "Tables differ little from each other: of all the differences between people, "
            "about %(share)s lies between the tables."
        ),
        "spread_medium": gettext(
            "Tables differ somewhat from each other: of all the differences between people, "
            "about %(share)s lies between the tables."
        ),
        "spread_high": gettext(
            "Tables differ strongly from each other: of all the differences between people, "
            "about %(share)s lies between the tables."
        ),
    }
    strings.update(band_names())  # "few", "almost_all" (and "some"): the bands of sensitive cards
    strings["some"] = gettext("part of the room")  # the table's word would be wrong across tables
    return strings
