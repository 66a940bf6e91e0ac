/* KoersKaart: the player page, which is also the host's control page (play/table.html).
   Follows docs/socket-protocol.md: lib/transport.js carries the events, lib/client-state.js
   keeps what the phone knows (and the answer it is sending), the views render it. This
   module wires them together and owns the page's lifecycle. */

import { $, announce, isAvailable, keepFocus, readData, showView } from "./lib/dom.js";
import { errorText, fmt } from "./lib/format.js";
import { connect } from "./lib/transport.js";
import { isAnswerable } from "./lib/cards.js";
import {
  answerAcked,
  answerProgress,
  applyAnswerCount,
  applyJoined,
  applySnapshot,
  currentRound,
  hostControls,
  initialState,
  isHost,
  submitAnswer,
} from "./lib/client-state.js";
import { announcePhoneChanges, closedNow } from "./views/announcements.js";
import { buildAnswerForm, setFeedback, updateAnswerForm } from "./views/answer-form.js";
import { bindActionForm, renderActions } from "./views/actions.js";
import { renderAnswerStatus, renderCardHead, renderDiscussion, renderHostNote } from "./views/card.js";
import { connectionCallbacks, hide as hideConn, show as showConn } from "./views/connection.js";
import { Countdown } from "./views/countdown.js";
import { bindEndDialog, confirmDialog } from "./views/dialogs.js";
import { bindHostControls, renderHostControls, renderScreenLinkAndLock } from "./views/host-controls.js";
import { bindCopyLink, qrBox, renderPhoneLobby } from "./views/lobby.js";
import { renderPlayers } from "./views/people.js";
import { renderEnded } from "./views/recap.js";
import { renderFeedback } from "./views/feedback.js";
import { renderResultSection } from "./views/result.js";
import { bindEventNotice, renderPacing } from "./views/event-notice.js";

const data = readData();
const S = data.strings;
const deck = data.deck;
const opts = { strings: S, scaleLabels: data.scale_labels };

let state = initialState();
let finished = false; // removed, left or refused: nothing more to render
let builtKey = null; // the card/round the answer form and result were built for
const countdown = new Countdown($("timer"), S);
const showQr = qrBox($("join-qr"), { hideWhenMissing: true });

const transport = connect(
  window.io,
  { table: data.table_id, as: "seat" },
  connectionCallbacks(S, { isConnected: () => transport.connected, refused: () => finish("refused") })
);
if (transport) start();
else showConn(S.error_server_error);

function start() {
  // a conference table: first, so the banner is there when the snapshot renders
  bindEventNotice(transport, S, { followMoves: true });
  transport.on("table_joined", (msg) => {
    if (finished || !msg || !msg.table) return;
    const prev = state.table;
    const joined = applyJoined(state, msg);
    state = joined.state;
    render(prev);
    announcePhoneChanges(prev, state.table, deck, opts);
    if (!joined.effect) return;
    if (joined.effect.kind === "send") {
      transmit(joined.effect);
    } else if (joined.effect.kind === "confirmed") {
      setFeedback(S.answer_sent, "ok");
      updateAnswerForm(state, S);
    }
  });

  transport.on("table_updated", (snap) => {
    if (finished || !snap) return;
    const prev = state.table;
    state = applySnapshot(state, snap);
    render(prev);
    announcePhoneChanges(prev, snap, deck, opts);
  });

  transport.on("answer_count_changed", (msg) => {
    if (finished) return;
    const next = applyAnswerCount(state, msg);
    if (next === state) return;
    state = next;
    renderAnswerStatus(answerProgress(state, currentCard()), S);
    renderHost();
  });

  transport.on("seat_removed", () => finish("removed"));

  bindCopyLink(() => state.join, S);
  $("start-game").addEventListener("click", (event) => {
    command(event.currentTarget, "start_game", {}, $("lobby-error"));
  });
  bindActionForm(command, S);
  bindHostControls(command, {
    getTable: () => state.table,
    getControls: () => (state.table && state.table.status === "playing" ? hostControls(state, currentCard()) : null),
    confirm: confirmDialog,
    strings: S,
  });
  bindEndDialog(command);
  $("leave-table").addEventListener("click", async (event) => {
    const ok = await confirmDialog(S.confirm_leave);
    if (!ok) return;
    const res = await command(event.currentTarget, "leave_table", {}, null);
    if (res.ok) finish("left");
    else window.alert(errorText(S, res.error));
  });
}

/** The page is done (removed, left, refused): show why and let go of the connection. */
function finish(view) {
  finished = true;
  countdown.set(null);
  hideConn();
  $("paused-banner").hidden = true;
  $("leave-area").hidden = true;
  showView(view);
  const heading = document.querySelector(`#view-${view} h1`);
  if (heading) heading.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  transport.stop();
}

function currentCard() {
  return state.table ? deck.cards[state.table.card_index] : null;
}

const busy = new WeakSet(); // buttons whose command is on its way: a second press does nothing

/** Send one command from a button; errors go to errorEl. Resolves to the ack. */
async function command(btn, event, payload, errorEl) {
  if (btn && (!isAvailable(btn) || busy.has(btn))) return { ok: false };
  if (errorEl) errorEl.textContent = "";
  // not `disabled`: that would drop the keyboard focus to <body>
  if (btn) busy.add(btn);
  const res = await transport.request(event, payload);
  if (btn) busy.delete(btn);
  if (!res.ok && errorEl) errorEl.textContent = errorText(S, res.error);
  return res;
}

// --- rendering --------------------------------------------------------------------------------

/** Focus is gone (its element was removed or hidden), or sits where it no longer means anything. */
function focusLost(...within) {
  const active = document.activeElement;
  if (!active || active === document.body || !active.isConnected || active.closest("[hidden]")) return true;
  return within.some((id) => $(id).contains(active));
}

/** prev: the snapshot before this one (null on the first), to tell what changed. */
function render(prev) {
  const table = state.table;
  if (finished || !table) return;
  const host = isHost(state);
  const playing = table.status === "playing";
  $("paused-banner").hidden = !(playing && table.paused);
  $("banner-resume").hidden = !(playing && table.paused && host);
  $("leave-area").hidden = table.status === "ended";
  renderScreenLinkAndLock(table, host, data.screen_url, S);

  if (table.status === "lobby") {
    renderPhoneLobby(state, host, S, { showQr, onRemove: removePlayer });
    showView("lobby");
    keepFocus($("lobby-title"));
  } else if (playing) {
    renderCard(host);
    showView("card");
    const newCard = prev && (prev.status !== "playing" || prev.card_index !== table.card_index);
    if (newCard) window.scrollTo(0, 0);
    if (newCard && focusLost("hostbar")) {
      $("card-prompt").focus({ preventScroll: true }); // the new card, read from the top; Tab reaches its answers
    } else if (closedNow(prev, table) && !$("result").hidden && focusLost("answer-area", "hostbar")) {
      // the answer form is gone and the host's button changed: the outcome is where the table is now
      $("result-title").focus({ preventScroll: true });
      $("result-title").scrollIntoView({ block: "start" });
    } else {
      keepFocus($("card-prompt"));
    }
  } else if (table.status === "ended") {
    countdown.set(null);
    renderEnded(deck, table, opts);
    showView("ended");
    if (prev && prev.status !== "ended") {
      window.scrollTo(0, 0);
      $("ended-title").focus({ preventScroll: true });
    } else {
      keepFocus($("ended-title"));
    }
  }
  renderFeedback(state, deck, { strings: S, send: (btn, payload, el) => command(btn, "give_feedback", payload, el) });
  renderPacing(table, host); // a steered conference table: the facilitator paces it, not the host
}

function renderCard(host) {
  const table = state.table;
  const card = currentCard();
  const round = currentRound(table);
  const status = round ? round.status : "open";
  const answerable = isAnswerable(card);

  renderCardHead(card, table, status, S);
  renderHostNote(card, host);
  countdown.set(table.timer_ends_at, table.server_time);
  const key = `${table.card_index}:${status}`;
  if (key !== builtKey) {
    builtKey = key;
    buildAnswerForm(card, status, state, { ...opts, onEdit: () => updateAnswerForm(state, S), onSubmit: sendAnswer });
    renderResultSection(card, round, status, table, opts);
  }
  updateAnswerForm(state, S);
  renderAnswerStatus(answerProgress(state, card), S);
  renderDiscussion(card, status, S);

  $("actions-area").hidden = answerable;
  if (!answerable) {
    renderActions($("action-list"), table.actions, S, host ? removeAction : null);
    $("action-form")
      .querySelectorAll("input, textarea, button")
      .forEach((el) => (el.disabled = table.paused));
  }

  $("host-tools").hidden = !host;
  $("hostbar").hidden = !host;
  if (host) {
    $("tools-player-count").textContent = `(${table.seats.length})`;
    const youId = state.you ? state.you.seat_id : undefined;
    renderPlayers($("tools-players"), table.seats, S, { youId, onRemove: removePlayer });
    renderHost();
  }
}

function renderHost() {
  const table = state.table;
  if (!table || table.status !== "playing" || !isHost(state)) return;
  renderHostControls(hostControls(state, currentCard()), S);
}

// --- answering ----------------------------------------------------------------------------------

function sendAnswer(value) {
  const submitted = submitAnswer(state, value, { connected: transport.connected });
  state = submitted.state;
  const effect = submitted.effect;
  if (effect.kind === "nothing_chosen") {
    setFeedback(currentCard().type === "open" ? S.write_first : S.choose_first, "warn");
  } else if (effect.kind === "queued") {
    setFeedback(S.answer_pending, "warn"); // table_joined after the reconnect sends it
    updateAnswerForm(state, S);
  } else {
    transmit(effect);
  }
}

/** Send {cardIndex, value} and act on the acknowledgement. */
async function transmit(sending) {
  updateAnswerForm(state, S);
  const res = await transport.request("submit_answer", { card_index: sending.cardIndex, value: sending.value });
  const acked = answerAcked(state, sending, res, { connected: transport.connected });
  state = acked.state;
  const effect = acked.effect;
  if (effect.kind === "stale") return; // the table moved on
  if (effect.kind === "sent") setFeedback(S.answer_sent, "ok");
  else if (effect.kind === "refused") setFeedback(errorText(S, effect.error), "warn");
  else setFeedback(S.answer_pending, "warn");
  if (effect.kind === "retry") transmit(effect);
  else updateAnswerForm(state, S);
}

// --- players, actions ----------------------------------------------------------------------------

async function removePlayer(seat, name, btn) {
  const ok = await confirmDialog(fmt(S.confirm_remove, { name }));
  if (!ok) return;
  const errorEl = state.table.status === "lobby" ? $("lobby-error") : $("tools-error");
  const res = await command(btn, "remove_player", { seat_id: seat.id }, errorEl);
  if (res.ok) announce(fmt(S.removed_player, { name }));
}

async function removeAction(action) {
  await command(null, "remove_action", { action_id: action.id }, $("action-error"));
}
