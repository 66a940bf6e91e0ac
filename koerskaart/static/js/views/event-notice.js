/* KoersKaart: a table at a conference, on the phone and the table screen (docs/socket-protocol.md,
   "Conference tables"): the banner with the event, the table, the facilitator's message and
   countdown; on a steered table the host's pacing controls give way to the facilitator; a player
   the facilitator moved follows the link to the new table. Does nothing at other tables. */

import { $, announce } from "../lib/dom.js";
import { fmt } from "../lib/format.js";
import { mergeNotice, tableName } from "../lib/event-notice.js";
import { Countdown } from "./countdown.js";

let notice = null;
let strings = {};
let countdown = null;

/**
 * Listen for the conference block (table_joined.conference, event_notice) and, with followMoves
 * (the phone), for seat_moved: the facilitator moved this player, so the page lets go of the
 * socket and opens the link that seats it at the new table.
 */
export function bindEventNotice(transport, S, { followMoves } = {}) {
  strings = S;
  countdown = new Countdown($("event-countdown"), {
    timer_left: S.event_countdown_left,
    timer_up: S.event_countdown_up,
  });
  transport.on("table_joined", (msg) => {
    if (msg && msg.conference) show(msg.conference);
  });
  transport.on("event_notice", (msg) => {
    if (msg && notice) show(msg);
  });
  if (followMoves) {
    transport.on("seat_moved", (msg) => {
      if (!msg || !isLocalPath(msg.url)) return;
      transport.stop();
      window.location.assign(msg.url);
    });
  }
}

/** A path on this site ("/e/…/seat"), never another origin. */
function isLocalPath(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//");
}

function show(incoming) {
  const before = notice;
  notice = mergeNotice(notice, incoming);
  $("event-banner").hidden = false;
  $("event-name").textContent = notice.name || "";
  $("event-table").textContent = tableName(notice.table_label, strings) || "";
  const text = notice.announcement || "";
  const box = $("event-announcement");
  box.hidden = !text;
  box.textContent = text;
  if (before && text && text !== before.announcement) announce(fmt(strings.event_announcement, { text }));
  countdown.set(notice.countdown_ends_at, notice.server_time);
}

function hideAll(elements, hidden) {
  elements.forEach((el) => {
    if (el) el.hidden = hidden;
  });
}

/**
 * After the page rendered a snapshot (call last): a steered table's host does not pace it, so
 * start, pacing bar, pause, timer, lock and end give way to "the facilitator opens the cards".
 */
export function renderPacing(table, host) {
  const steered = Boolean(table && table.steered);
  $("event-steered").hidden = !steered;
  $("event-steered").textContent = strings.steered_note || "";
  const wait = $("lobby-wait"); // the phone's lobby: who starts the game
  if (wait) {
    if (!wait.dataset.hostText) wait.dataset.hostText = wait.textContent;
    wait.textContent = steered ? strings.steered_wait : wait.dataset.hostText;
  }
  if (!host) return;
  const timerTool = document.querySelector("[data-timer]");
  hideAll(
    [
      $("start-game"),
      $("pause-table"),
      timerTool ? timerTool.closest(".tool") : null,
      $("end-table") ? $("end-table").closest(".tool") : null,
      ...document.querySelectorAll(".lock-toggle, .lock-note"),
    ],
    steered
  );
  if (steered) {
    // the lobby's host panel explains starting the game: here the facilitator does that
    hideAll([$("hostbar"), $("banner-resume"), $("lobby-host")], true);
    if (wait) wait.hidden = false;
  }
}
