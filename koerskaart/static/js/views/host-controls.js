/* KoersKaart: the host's controls on the phone: the sticky host bar (back, skip, reveal,
   next, finish) with its hint, the host tools (timer, pause, lock) and the table screen
   link. What is allowed comes from client-state hostControls(); the buttons send commands
   through `command`. */

import { $, setAvailable } from "../lib/dom.js";
import { fmt } from "../lib/format.js";

/** The table screen link (host only) and the lock buttons and notes, in the lobby and the host tools. */
export function renderScreenLinkAndLock(table, host, screenUrl, strings) {
  document.querySelectorAll(".screen-link").forEach((link) => {
    link.hidden = !(host && screenUrl);
    if (screenUrl) link.href = screenUrl;
  });
  document.querySelectorAll(".lock-toggle").forEach((btn) => {
    btn.textContent = table.locked ? strings.unlock : strings.lock;
    btn.removeAttribute("aria-pressed");
  });
  document.querySelectorAll(".lock-note").forEach((note) => {
    note.textContent = table.locked ? strings.locked_note : strings.unlocked_note;
  });
}

/** Show the host bar for `controls` (client-state hostControls()). */
export function renderHostControls(controls, strings) {
  const { open, last, paused } = controls;
  const hints = [];
  const close = $("close-round");
  const skip = $("skip-card");
  const next = $("next-card");
  const finish = $("finish-table");

  close.hidden = !open;
  skip.hidden = !open;
  next.hidden = open || last;
  finish.hidden = open || !last;

  setAvailable(close, controls.canReveal);
  if (controls.revealNeeds !== null) hints.push(fmt(strings.reveal_needs, { k: controls.revealNeeds }));
  setAvailable(skip, controls.canSkip);
  setAvailable(next, controls.canNext);
  setAvailable($("prev-card"), controls.canGoBack);
  if (controls.needsRevealBeforeNext) hints.push(strings.next_needs);

  $("hostbar-hint").textContent = hints.join(" ");
  $("pause-table").textContent = paused ? strings.resume : strings.pause;
  document.querySelectorAll("[data-timer]").forEach((btn) => (btn.disabled = paused));
}

/**
 * Wire the host's buttons. command(button, event, payload, errorEl) sends one command;
 * getTable() is the latest snapshot.
 */
export function bindHostControls(command, getTable) {
  const bar = $("hostbar-error");
  const tools = $("tools-error");
  $("close-round").addEventListener("click", (event) => {
    command(event.currentTarget, "close_round", {}, bar);
  });
  $("skip-card").addEventListener("click", (event) => {
    command(event.currentTarget, "skip_card", {}, bar);
  });
  $("next-card").addEventListener("click", (event) => {
    command(event.currentTarget, "next_card", {}, bar);
  });
  $("prev-card").addEventListener("click", (event) => {
    const table = getTable();
    if (!table) return;
    command(event.currentTarget, "go_to_card", { card_index: table.card_index - 1 }, bar);
  });
  $("pause-table").addEventListener("click", (event) => {
    command(event.currentTarget, "pause_table", { paused: !getTable().paused }, tools);
  });
  $("banner-resume").addEventListener("click", (event) => {
    command(event.currentTarget, "pause_table", { paused: false }, tools);
  });
  document.querySelectorAll("[data-timer]").forEach((btn) => {
    btn.addEventListener("click", () => {
      const seconds = btn.dataset.timer ? parseInt(btn.dataset.timer, 10) : null;
      command(btn, "set_timer", { seconds }, tools);
    });
  });
  document.querySelectorAll(".lock-toggle").forEach((btn) => {
    btn.addEventListener("click", () => {
      const table = getTable();
      const errorEl = table && table.status === "lobby" ? $("lobby-error") : tools;
      command(btn, "lock_table", { locked: !table.locked }, errorEl);
    });
  });
}
