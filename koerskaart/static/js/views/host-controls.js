/* KoersKaart: the host's controls on the phone: the sticky host bar (back, skip or next,
   reveal, finish) with its hint, the host tools (timer, pause, lock) and the table screen
   link. What is allowed comes from client-state hostControls(); the buttons send commands
   through `command`. Skipping asks first when it would throw away answers. */

import { $, isAvailable, setAvailable } from "../lib/dom.js";
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

/** Keep the keyboard focus in the bar when the button it was on is swapped for another. */
function moveFocusFrom(hiddenNow, target) {
  const active = document.activeElement;
  if (active && hiddenNow.includes(active) && active.hidden && target && !target.hidden) target.focus();
}

/** Show the host bar for `controls` (client-state hostControls()). */
export function renderHostControls(controls, strings) {
  const back = $("prev-card");
  const skip = $("skip-card");
  const close = $("close-round");
  const next = $("next-card");
  const finish = $("finish-table");
  const forward = { skip, next, finish }[controls.forward];

  back.hidden = !controls.showBack;
  close.hidden = !controls.showReveal;
  for (const btn of [skip, next, finish]) btn.hidden = btn !== forward;
  // beside "Reveal now" moving on is the lesser choice; alone it is the main one
  for (const btn of [next, finish]) {
    btn.classList.toggle("btn--primary", !controls.showReveal);
    btn.classList.toggle("btn--secondary", controls.showReveal);
  }
  setAvailable(back, controls.canGoBack);
  setAvailable(close, controls.canReveal);
  for (const btn of [skip, next, finish]) setAvailable(btn, controls.canForward);
  moveFocusFrom([skip, next, finish, close], forward);
  if (controls.canGoBack && $("hostbar-error").textContent === strings.next_needs) $("hostbar-error").textContent = "";

  const hints = [];
  if (controls.revealNeeds !== null) hints.push(fmt(strings.reveal_needs, { k: controls.revealNeeds }));
  if (controls.noResultNeeds !== null) hints.push(fmt(strings.no_result_here, { k: controls.noResultNeeds }));
  if (controls.held) hints.push(strings.held_here);
  $("hostbar-hint").textContent = hints.join(" ");
  $("pause-table").textContent = controls.paused ? strings.resume : strings.pause;
  document.querySelectorAll("[data-timer]").forEach((btn) => (btn.disabled = controls.paused));
}

/**
 * Wire the host's buttons. command(button, event, payload, errorEl) sends one command;
 * getTable() is the latest snapshot, getControls() its hostControls(); confirm(message, okLabel)
 * asks before answers are thrown away.
 */
export function bindHostControls(command, { getTable, getControls, confirm, strings }) {
  const bar = $("hostbar-error");
  const tools = $("tools-error");
  $("close-round").addEventListener("click", (event) => {
    command(event.currentTarget, "close_round", {}, bar);
  });
  $("skip-card").addEventListener("click", async (event) => {
    const btn = event.currentTarget;
    if (!isAvailable(btn)) return;
    const controls = getControls();
    if (controls && controls.confirmSkip) {
      const message = fmt(controls.answered === 1 ? strings.confirm_skip_one : strings.confirm_skip_other, {
        n: controls.answered,
      });
      if (!(await confirm(message, strings.skip_card))) return;
    }
    command(btn, "skip_card", {}, bar);
  });
  $("next-card").addEventListener("click", (event) => {
    command(event.currentTarget, "next_card", {}, bar);
  });
  $("prev-card").addEventListener("click", (event) => {
    const btn = event.currentTarget;
    const table = getTable();
    if (!table) return;
    if (!isAvailable(btn)) {
      // aria-disabled keeps the button in reach; say why it does nothing now
      if (!table.paused) bar.textContent = strings.next_needs;
      return;
    }
    command(btn, "go_to_card", { card_index: table.card_index - 1 }, bar);
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
