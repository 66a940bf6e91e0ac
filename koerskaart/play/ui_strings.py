"""Every string the table page and table screen scripts show, translated on the server.

The scripts have no translation machinery of their own: the page embeds this dict
as JSON and the scripts fill ``%(name)s`` placeholders with a plain replace. Keep
the placeholder names stable; translators must keep them as they are.
"""

from __future__ import annotations

from flask_babel import gettext

from ..i18n import band_names


def error_strings() -> dict[str, str]:
    """One message per error code, keyed ``error_<code>``."""
    return {
        "error_invalid_payload": gettext("That did not work. Reload the page and try again."),
        "error_payload_too_large": gettext("That is too long to send. Make it shorter."),
        "error_not_authenticated": gettext(
            "You are not at this table (any more). Join again with the table code."
        ),
        "error_rate_limited": gettext("That was a bit fast. Wait a moment and try again."),
        # An event this server does not know: the page is older than the server.
        "error_unknown_event": gettext("That did not work. Reload the page and try again."),
        "error_not_seated": gettext("You are no longer at this table."),
        "error_not_host": gettext("Only the host can do this."),
        "error_wrong_state": gettext("That is not possible right now."),
        "error_paused": gettext("The game is paused. Wait until the host resumes it."),
        "error_not_current_card": gettext("The table has moved on to another card."),
        "error_round_closed": gettext("This round is closed: answers can no longer be changed."),
        "error_invalid_answer": gettext("That answer cannot be used for this card."),
        "error_not_answerable": gettext(
            "On this card you agree on actions together; there is nothing to answer."
        ),
        "error_too_few_answers": gettext("Not enough answers yet to show a result."),
        "error_invalid_card": gettext("That card cannot be shown."),
        "error_unknown_seat": gettext("That player is no longer at the table."),
        "error_unknown_action": gettext("That action has already been removed."),
        "error_invalid_input": gettext("Check what you filled in and try again."),
        "error_steered": gettext("The facilitator leads the cards at this event."),
        "error_held": gettext("The room harvests this card together: wait for the facilitator."),
        "error_table_unavailable": gettext("This table cannot be joined."),
        "error_server_error": gettext("Something went wrong on the server. Nothing was saved; try again."),
        "error_timeout": gettext("The server did not respond. Check your connection and try again."),
        "error_offline": gettext("You are offline. Wait until the connection is back and try again."),
        "error_unknown": gettext("That did not work. Try again."),
    }


def ui_strings() -> dict[str, str]:
    """The strings of the table page and table screen scripts (static/js/), in the current language."""
    strings = {
        # connection
        "connecting": gettext("Connecting to the table…"),
        "reconnecting": gettext("Connection lost. Reconnecting…"),
        "reconnected": gettext("Connected again."),
        "screen_missing_key": gettext(
            "This table screen link is incomplete. Open it again from the host's phone."
        ),
        "screen_refused": gettext(
            "This table screen cannot connect. The table may have ended, or the link is not complete."
        ),
        # people
        "player_n": gettext("Player %(n)s"),
        "you": gettext("you"),
        "host": gettext("host"),
        "people_one": gettext("1 person is at the table"),
        "people_other": gettext("%(n)s people are at the table"),
        "remove_player": gettext("Remove %(name)s"),
        "confirm_remove": gettext(
            "Remove %(name)s from the table? They cannot come back with the same seat."
        ),
        "removed_player": gettext("%(name)s has been removed."),
        # lobby
        "discussion_only": gettext(
            "With fewer than %(k)s players you can talk the cards through, but no results are shown."
        ),
        "discussion_only_playing": gettext(
            "Fewer than %(k)s people are at the table: answers are never shown as a result."
        ),
        "lock": gettext("Lock the table"),
        "unlock": gettext("Unlock the table"),
        "locked_note": gettext("The table is locked: nobody else can join."),
        "unlocked_note": gettext("The table is open: others can join with the code."),
        "copied": gettext("Link copied."),
        "copy_failed": gettext("Copying did not work. Select the link and copy it yourself."),
        # card
        "card_of": gettext("Card %(n)s of %(total)s"),
        "new_card": gettext("Card %(n)s of %(total)s: %(prompt)s"),
        "answered": gettext("%(answered)s of %(total)s answered"),
        "your_answer": gettext("Your answer"),
        "send": gettext("Send answer"),
        "change": gettext("Change answer"),
        "sending": gettext("Sending…"),
        "answer_sent": gettext("Your answer is in. You can change it until the reveal."),
        "answer_pending": gettext(
            "Your answer has not been confirmed yet. It is sent again as soon as the connection is back."
        ),
        "choose_first": gettext("Choose an answer first."),
        "write_first": gettext("Write an answer first."),
        "characters": gettext("%(count)s of %(max)s characters"),
        "open_hint": gettext("Your text is shown to the table without your name, in random order."),
        # reveal
        "result_revealed": gettext("Result revealed"),
        # the reveal announced with its result; sensitive cards name bands only, never counts
        "reveal_top": gettext("Result revealed: chosen most often: %(answers)s (%(count)s of %(n)s)."),
        "reveal_top_tie": gettext(
            "Result revealed: chosen most often: %(answers)s (%(count)s each, of %(n)s)."
        ),
        "reveal_band": gettext("Result revealed, without exact numbers: %(answers)s: %(band)s."),
        "reveal_all_few": gettext(
            "Result revealed, without exact numbers: every answer was chosen by none or a few."
        ),
        "reveal_open": gettext("Result revealed: %(n)s answers, in random order."),
        "result_heading": gettext("Result"),
        "based_on": gettext("Based on %(n)s answers"),
        "too_few": gettext("Fewer than %(k)s answers: no result is shown."),
        "too_few_announce": gettext("The round is closed with too few answers. No result is shown."),
        "sensitive_note": gettext(
            "A sensitive card: to protect anonymity it shows no exact numbers, only "
            "“none or a few”, “part of the table” and “most or all”."
        ),
        "open_answers": gettext("The answers, in random order"),
        "texts_not_kept": gettext("%(n)s answers; the texts were not kept."),
        "skipped": gettext("This card was skipped."),
        "discussed": gettext("Discussed"),
        "not_played": gettext("Not played"),
        "follow_up": gettext("Questions for the conversation"),
        "source": gettext("Source: %(source)s"),
        # actions
        "actions_heading": gettext("Our actions"),
        "no_actions": gettext("No actions yet."),
        "action_due": gettext("by %(due)s"),
        "action_who_nobody": gettext("(nobody named yet)"),
        "remove_action": gettext("Remove action: %(what)s"),
        "action_added": gettext("Action added."),
        "what_required": gettext("Describe the action first."),
        # host
        "reveal_needs": gettext("A result can be shown from %(k)s answers."),
        "next_needs": gettext("Reveal or skip this card first: answers have been given."),
        "no_result_here": gettext(
            "No result here: it needs %(k)s answers. Talk the card through and move on."
        ),
        "skip_card": gettext("Skip the card"),
        "confirm_skip_one": gettext("Skip this card? The answer given so far is deleted and never shown."),
        "confirm_skip_other": gettext(
            "Skip this card? The %(n)s answers given so far are deleted and never shown."
        ),
        "pause": gettext("Pause"),
        "resume": gettext("Resume"),
        "paused_announce": gettext("The game is paused."),
        "resumed_announce": gettext("The game continues."),
        "timer_left": gettext("Time left: %(time)s"),
        "timer_up": gettext("Time is up"),
        "timer_set": gettext("Timer set to %(n)s minutes."),
        "timer_cleared": gettext("Timer switched off."),
        "confirm_leave": gettext("Leave this table? You cannot come back to the same seat."),
        # end
        "ended_announce": gettext("The game has ended."),
        # the table screen's pages, when a list does not fit
        "page_of": gettext("Page %(n)s of %(total)s"),
        # a table at a conference (views/event-notice.js)
        "table_n": gettext("Table %(label)s"),
        "event_announcement": gettext("Message from the facilitator: %(text)s"),
        "event_countdown_left": gettext("Time left: %(time)s"),
        "event_countdown_up": gettext("Time is up"),
        "steered_note": gettext("The facilitator opens the cards."),
        "steered_wait": gettext("The facilitator starts the game for every table. Keep this page open."),
        "held_here": gettext(
            "The whole room harvests this card together: the facilitator opens the next card."
        ),
    }
    strings.update(band_names())  # "few", "some", "almost_all": the bands of sensitive cards
    strings.update(error_strings())
    strings.update(feedback_strings())
    return strings


def feedback_strings() -> dict[str, str]:
    """Card feedback for the deck's authors (static/js/views/feedback.js)."""
    return {
        "feedback_title": gettext("Feedback on this card"),
        "feedback_question": gettext("What did you think of this card?"),
        "feedback_unclear": gettext("Unclear"),
        "feedback_strong": gettext("Strong"),
        "feedback_not_relevant": gettext("Not relevant"),
        "feedback_add_comment": gettext("Add a comment (optional)"),
        "feedback_comment_label": gettext("Your comment for the deck's makers (at most 280 characters)"),
        "feedback_thanks": gettext("Thank you: your feedback goes to the deck's makers, without your name."),
        "feedback_end_title": gettext("Feedback on the cards"),
        "feedback_end_intro": gettext(
            "Which cards were unclear, strong or not relevant? The deck's makers see only counts, "
            "and comments once several people wrote one; never who said what."
        ),
        "feedback_all_done": gettext("You gave feedback on every card. Thank you."),
    }
