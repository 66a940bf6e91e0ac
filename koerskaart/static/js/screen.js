/* KoersKaart: the table screen (laptop or projector; play/screen.html). Listens only; no
   controls. The screen key travels in the URL fragment (#key) and in the socket auth.
   Shares the transport, the client state and the views with the phone (table.js). */

import { $, keepHashOnLinks, readData, showView } from "./lib/dom.js";
import { connect } from "./lib/transport.js";
import { isAnswerable, isDiscussing } from "./lib/cards.js";
import {
  answerProgress,
  applyAnswerCount,
  applyJoined,
  applySnapshot,
  currentRound,
  initialState,
} from "./lib/client-state.js";
import { renderActions } from "./views/actions.js";
import { announceScreenChanges } from "./views/announcements.js";
import { renderAnswerStatus, renderCardHead, renderChoiceOptions, renderDiscussion } from "./views/card.js";
import { connectionCallbacks, hide as hideConn } from "./views/connection.js";
import { Countdown } from "./views/countdown.js";
import { qrBox, renderDiscussionOnly, renderJoinCode, shortUrl } from "./views/lobby.js";
import { renderCount, renderNames } from "./views/people.js";
import { renderEnded } from "./views/recap.js";
import { renderResultSection } from "./views/result.js";
import { ScreenFit } from "./views/screen-fit.js";
import { bindEventNotice } from "./views/event-notice.js";

const data = readData();
const S = data.strings;
const deck = data.deck;
const opts = { strings: S, scaleLabels: data.scale_labels };
const key = decodeURIComponent(location.hash.replace(/^#/, ""));

let state = initialState();
let builtKey = null;
let shownKey = null; // the view and card last fitted: a new one starts at its first page
const countdown = new Countdown($("timer"), S);
const showQr = qrBox($("join-qr"), { hideWhenMissing: false });
const fit = new ScreenFit(S);

keepHashOnLinks();
let resizing = false;
window.addEventListener("resize", () => {
  if (resizing || !state.table) return;
  resizing = true;
  window.requestAnimationFrame(() => {
    resizing = false;
    fit.update({ fresh: false });
  });
});

function refused(message) {
  hideConn();
  $("refused-message").textContent = message;
  showView("refused");
}

if (!key) {
  refused(S.screen_missing_key);
} else {
  const transport = connect(
    window.io,
    { table: data.table_id, as: "screen", key },
    connectionCallbacks(S, {
      isConnected: () => transport.connected,
      refused: () => {
        transport.stop();
        refused(S.screen_refused);
      },
    })
  );
  if (!transport) {
    refused(S.error_server_error);
  } else {
    bindEventNotice(transport, S); // a conference table: the event, the table, the facilitator's message
    transport.on("table_joined", (msg) => {
      if (!msg || !msg.table) return;
      apply(applyJoined(state, msg).state);
    });
    transport.on("table_updated", (snap) => snap && apply(applySnapshot(state, snap)));
    transport.on("answer_count_changed", (msg) => {
      const next = applyAnswerCount(state, msg);
      if (next === state) return;
      state = next;
      renderAnswerStatus(answerProgress(state, deck.cards[state.table.card_index]), S);
      fit.update({ fresh: false });
    });
    keepAwake();
    document.addEventListener("visibilitychange", keepAwake);
  }
}

function apply(next) {
  const prev = state.table;
  state = next;
  render();
  const table = state.table;
  const key = `${table.status}:${table.card_index}:${currentRound(table) ? currentRound(table).status : ""}`;
  fit.update({ fresh: key !== shownKey });
  shownKey = key;
  announceScreenChanges(prev, table, deck, opts);
}

function render() {
  const table = state.table;
  $("paused-banner").hidden = !(table.status === "playing" && table.paused);
  if (table.status === "lobby") {
    countdown.set(null);
    renderLobby();
    showView("lobby");
  } else if (table.status === "playing") {
    renderCard();
    showView("card");
  } else {
    countdown.set(null);
    renderEnded(deck, table, opts);
    showView("ended");
  }
}

function renderLobby() {
  const { table, join } = state;
  // a conference table has no code of its own: people join the event (its big screen shows the code)
  for (const el of [document.querySelector(".screen-steps"), $("join-code"), $("join-qr")]) el.hidden = !join;
  if (join) {
    renderJoinCode(join);
    $("join-url").textContent = shortUrl(join.url.split("#")[0]);
    showQr(join.qr_svg);
  }
  renderCount($("lobby-count"), table.seats, S);
  renderNames($("lobby-players"), table.seats, S);
  renderDiscussionOnly(table, S);
}

function renderCard() {
  const table = state.table;
  const card = deck.cards[table.card_index];
  const round = currentRound(table);
  const status = round ? round.status : "open";
  const answerable = isAnswerable(card);

  renderCardHead(card, table, status, S);
  countdown.set(table.timer_ends_at, table.server_time);
  $("view-card").classList.toggle("is-discussing", isDiscussing(card, status));
  const stateKey = `${table.card_index}:${status}`;
  if (stateKey !== builtKey) {
    builtKey = stateKey;
    renderChoiceOptions(card, status); // read from the screen while people answer
    renderResultSection(card, round, status, table, opts);
    window.scrollTo(0, 0);
  }
  renderDiscussion(card, status, S);
  $("actions-area").hidden = answerable;
  if (!answerable) renderActions($("action-list"), table.actions, S, null);
  renderAnswerStatus(answerProgress(state, card), S);
}

/** A projector laptop should not fall asleep mid-game. */
async function keepAwake() {
  try {
    if ("wakeLock" in navigator && document.visibilityState === "visible") await navigator.wakeLock.request("screen");
  } catch (e) {
    /* not allowed or not supported: fine */
  }
}
