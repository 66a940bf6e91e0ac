"""Every string the dashboard and big-screen scripts show, translated on the server.

The page embeds the dict as JSON; the scripts fill ``%(name)s`` placeholders with
static/js/lib/format.js ``fmt``. Keep the placeholder names stable.
"""

from __future__ import annotations

from flask_babel import gettext

from ..i18n import band_names


def _dashboard_errors() -> dict[str, str]:
    """One message per error code the dashboard can meet, keyed ``error_<code>``."""
    return {
        "error_invalid_payload": gettext("That did not work. Reload the page and try again."),
        "error_payload_too_large": gettext("That is too long to send. Make it shorter."),
        "error_not_authenticated": gettext(
            "You may no longer run this event. Log in again, or ask an admin of your organisation."
        ),
        "error_rate_limited": gettext("That was a bit fast. Wait a moment and try again."),
        "error_unknown_event": gettext("That did not work. Reload the page and try again."),
        "error_wrong_state": gettext("That is not possible right now."),
        "error_invalid_card": gettext("That card cannot be shown."),
        "error_invalid_input": gettext("Check what you filled in and try again."),
        "error_unknown_seat": gettext("That player is no longer at the table."),
        "error_unknown_table": gettext("That table is no longer there. The list has been refreshed."),
        "error_round_open": gettext(
            "Not now: a round is open at one of these tables. Wait until it closes, or close the round first."
        ),
        "error_too_few_tables": gettext(
            "Not yet: fewer than 3 tables have finished this card. The result stays hidden until then."
        ),
        "error_already_released": gettext("This result has already been released."),
        "error_table_full": gettext("That table is full."),
        "error_event_ended": gettext("This event has ended."),
        "error_server_error": gettext("Something went wrong on the server. Nothing was saved; try again."),
        "error_timeout": gettext("The server did not respond. Check your connection and try again."),
        "error_offline": gettext("You are offline. Wait until the connection is back and try again."),
        "error_unknown": gettext("That did not work. Try again."),
    }


def dashboard_strings() -> dict[str, str]:
    """The strings of static/js/dashboard.js and its views, in the current language."""
    return {
        **_dashboard_errors(),
        # connection
        "connecting": gettext("Connecting to the event…"),
        "reconnecting": gettext("Connection lost. Reconnecting…"),
        "reconnected": gettext("Connected again."),
        "refused": gettext("This dashboard cannot connect. Reload the page, or log in again."),
        # the event
        "pacing_free": gettext("Free pacing"),
        "pacing_synchronised": gettext("Synchronised pacing"),
        "event_paused": gettext("Paused"),
        "event_ended": gettext("Ended"),
        "current_card": gettext("Card %(n)s is open"),
        "card_n": gettext("%(n)s. %(prompt)s"),
        "card_short": gettext("Card %(n)s"),
        "pause_all": gettext("Pause every table"),
        "resume_all": gettext("Resume every table"),
        "announcement_now": gettext("Now shown: “%(text)s”."),
        "countdown_now": gettext("Countdown: %(minutes)s min left."),
        "screen_join_code": gettext("The event code (to join)"),
        # the tables
        "table_unnamed": gettext("Table without a name"),
        "phase_lobby": gettext("Waiting to start"),
        "phase_answering": gettext("Answering"),
        "phase_discussing": gettext("Discussing"),
        "phase_done": gettext("Done"),
        "phase_stuck": gettext("Stuck"),
        "phase_ended": gettext("Ended"),
        "player_n": gettext("Player %(n)s"),
        "anonymous_one": gettext("1 without a name"),
        "anonymous_many": gettext("%(n)s without a name"),
        "paused": gettext("paused"),
        "holds_at": gettext("waits at card %(n)s"),
        "below_k": gettext("Too few players for results."),
        "merge_into": gettext("Merge into %(table)s"),
        "seating_close": gettext("Close"),
        "seating_reopen": gettext("Reopen"),
        "seating_closed_tag": gettext("closed"),
        "close_seating_at": gettext("Close seating at %(table)s"),
        "reopen_seating_at": gettext("Reopen seating at %(table)s"),
        "answered_of": gettext("%(answered)s of %(players)s"),
        # harvest and results
        "release": gettext("Release the harvest"),
        "released": gettext("Released"),
        "release_line": gettext("%(card)s: %(tables)s tables, %(n)s answers"),
        # what a control did
        "card_opened": gettext("Card %(n)s is open at every table."),
        "rounds_closed": gettext("The round is closed at every table."),
        "paused_done": gettext("Every table is paused."),
        "resumed_done": gettext("Every table plays on."),
        "announce_sent": gettext("Sent to every table."),
        "announce_cleared": gettext("The announcement and the countdown are cleared."),
        "announce_empty": gettext("Write a message or fill in a countdown first."),
        "released_done": gettext("The result of card %(n)s is released to the room."),
        "screen_done": gettext("The big screen shows your choice."),
        "choose_player": gettext("Choose a player and a table first."),
        "choose_two_tables": gettext("Choose two different tables."),
        "moved": gettext("Moved to %(table)s."),
        "merged": gettext("%(from)s is merged into %(into)s."),
        "table_opened": gettext("A new table is open."),
        "seating_closed_done": gettext("Nobody new is seated at %(table)s."),
        "seating_reopened": gettext("Newcomers may be seated at %(table)s again."),
        "event_ended_done": gettext("The event has ended."),
    }


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
