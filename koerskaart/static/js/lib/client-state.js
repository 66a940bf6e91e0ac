/* KoersKaart: what a phone (or the table screen) knows about its table, and the answer it
   is sending (docs/socket-protocol.md). PURE: no DOM, no socket, no window, no clock.
   Every transition takes a state and returns a new one; nothing is mutated (snapshots
   from the server are kept as they came). Transitions that need the page to do
   something return {state, effect}; the page performs the effect (send, show a note).
   Unit-tested with node --test in tests/js. */

import { isAnswerable, threshold } from "./cards.js";

/**
 * state = {
 *   you:    {role, seat_id, my_answer} from table_joined, or null before it
 *   join:   {code, url, qr_svg}, or null (not joined yet, or the table has ended)
 *   table:  the latest snapshot (table_updated), or null before table_joined
 *   answer: this phone's answer to the current card:
 *     cardIndex  the card it belongs to
 *     sent       the value the server has stored (acknowledged, or my_answer), else undefined
 *     pending    a value sent but not (yet) acknowledged, else undefined
 *     inFlight   a submit_answer is waiting for its acknowledgement
 *     retried    the one immediate retry after a timeout has been used
 * }
 */
export function initialState() {
  return { you: null, join: null, table: null, answer: noAnswer(null) };
}

function withAnswer(state, answer) {
  return { ...state, answer };
}

/** The answer of a card nobody has answered on this phone yet. */
export function noAnswer(cardIndex) {
  return { cardIndex, sent: undefined, pending: undefined, inFlight: false, retried: false };
}

// --- derived ------------------------------------------------------------------------------

/** The snapshot's round, if it belongs to the card on the table. */
export function currentRound(table) {
  const round = table && table.round;
  return round && round.card_index === table.card_index ? round : null;
}

/** The status of the current card's round; a card without a round yet counts as open. */
export function roundStatus(table) {
  const round = currentRound(table);
  return round ? round.status : "open";
}

function isOpenRound(table) {
  const round = currentRound(table);
  return Boolean(table && table.status === "playing" && round && round.status === "open");
}

/** Whether this phone is the host's. */
export function isHost(state) {
  const { table, you } = state;
  if (!table || !you) return false;
  return table.seats.some((seat) => seat.id === you.seat_id && seat.is_host);
}

/** {answered, total} while an answerable card's round is open, else null. */
export function answerProgress(state, card) {
  const table = state.table;
  const round = currentRound(table);
  if (!table || table.status !== "playing" || !card || !isAnswerable(card) || !round || round.status !== "open") {
    return null;
  }
  return { answered: round.answered ?? 0, total: round.total ?? table.seats.length };
}

/**
 * What the host bar offers on the current card.
 *   forward: "skip" (answers given: drop them and move on), "next" (nothing to drop), "finish" (the last card)
 *   showReveal: a result is possible on this card at this table (enough seats for its threshold)
 *   noResultNeeds: k when it is not (a table of two, a sensitive or open card with too few seats), else null
 *   confirmSkip: skipping would throw away answers that could still be shown
 *   held: a conference table waits at this harvest card (snapshot.hold_at) until the facilitator
 *     releases it: next and skip would pass it, so they are not available (finishing still is)
 */
export function hostControls(state, card) {
  const table = state.table;
  const idx = table.card_index;
  const round = currentRound(table);
  const status = round ? round.status : "open";
  const open = isAnswerable(card) && status === "open";
  const answered = open && round && typeof round.answered === "number" ? round.answered : 0;
  const total = round && typeof round.total === "number" ? round.total : table.seats.length;
  const need = threshold(card, table);
  const paused = Boolean(table.paused);
  const last = idx >= table.card_count - 1;
  const reachable = total >= need;
  const forward = open && answered > 0 ? "skip" : last ? "finish" : "next";
  const held = typeof table.hold_at === "number" && idx >= table.hold_at && forward !== "finish";
  return {
    open,
    last,
    paused,
    answered,
    forward,
    showBack: idx > 0,
    canGoBack: !paused && answered === 0, // answers given: reveal or skip first (the engine refuses)
    showReveal: open && reachable,
    canReveal: !paused && answered >= need,
    revealNeeds: open && reachable && answered < need ? need : null,
    noResultNeeds: open && !reachable ? need : null,
    confirmSkip: open && reachable && answered > 0,
    canForward: !paused && !held,
    held,
  };
}

/** The value the answer form shows as chosen: the one on its way, else the stored one. */
export function shownValue(answer) {
  return answer.pending !== undefined ? answer.pending : answer.sent;
}

/** The note under a freshly built answer form: "sent", "pending" or null. */
export function answerNote(answer) {
  if (answer.pending !== undefined) return "pending";
  return answer.sent !== undefined ? "sent" : null;
}

/** The send button for the value now chosen in the form: {label: "send"|"change"|"sending", disabled}. */
export function sendButton(state, chosen) {
  const { answer, table } = state;
  if (answer.inFlight) return { label: "sending", disabled: true };
  const unchanged = answer.sent !== undefined && chosen === answer.sent;
  const paused = Boolean(table && table.paused);
  return { label: answer.sent === undefined ? "send" : "change", disabled: paused || unchanged };
}

// --- server events ---------------------------------------------------------------------------

/** table_updated: the new public state. A new card starts a new answer; a closed round ends it. */
export function applySnapshot(state, snap) {
  let answer = state.answer;
  if (snap.status === "playing") {
    if (answer.cardIndex !== snap.card_index) answer = noAnswer(snap.card_index);
    const round = currentRound(snap);
    if (!round || round.status !== "open") {
      answer = { ...answer, sent: undefined, pending: undefined, inFlight: false };
    }
  }
  return { ...state, table: snap, answer };
}

/**
 * table_joined (every (re)connect): who we are, the join code and the snapshot, with our
 * own answer to the open round (my_answer). An answer the server never confirmed is sent
 * again, unless my_answer shows it arrived after all.
 * effect: null | {kind: "confirmed"} | {kind: "send", cardIndex, value}
 */
export function applyJoined(state, msg) {
  const you = msg.you || {};
  const snap = msg.table;
  let answer = state.answer;
  if (isOpenRound(snap)) {
    if (answer.cardIndex !== snap.card_index) answer = noAnswer(snap.card_index);
    const mine = you.my_answer;
    answer = { ...answer, sent: mine === null || mine === undefined ? undefined : mine };
  }
  const next = applySnapshot({ ...state, you, join: msg.join || null, answer }, snap);
  return reconcilePending(next);
}

function reconcilePending(state) {
  const { answer, table, you } = state;
  if (answer.pending === undefined) return { state, effect: null };
  if (!isOpenRound(table) || answer.cardIndex !== table.card_index) {
    return { state: withAnswer(state, { ...answer, pending: undefined }), effect: null };
  }
  if (you && you.my_answer === answer.pending) {
    const confirmed = { ...answer, sent: answer.pending, pending: undefined };
    return { state: withAnswer(state, confirmed), effect: { kind: "confirmed" } };
  }
  const resend = { ...answer, retried: true, inFlight: true };
  return {
    state: withAnswer(state, resend),
    effect: { kind: "send", cardIndex: table.card_index, value: answer.pending },
  };
}

/** answer_count_changed: the hot path while a round is open. Returns the same state if it does not apply. */
export function applyAnswerCount(state, msg) {
  const table = state.table;
  if (!table || !msg || !table.round) return state;
  if (msg.card_index !== table.card_index || table.round.card_index !== msg.card_index) return state;
  const round = { ...table.round, answered: msg.answered, total: msg.total };
  return { ...state, table: { ...table, round } };
}

// --- answering ------------------------------------------------------------------------------

/**
 * The player pressed Send with `value` (undefined: nothing chosen or written).
 * effect: {kind: "nothing_chosen"} | {kind: "queued"} (offline: sent on reconnect)
 *       | {kind: "send", cardIndex, value}
 */
export function submitAnswer(state, value, { connected }) {
  if (value === undefined) return { state, effect: { kind: "nothing_chosen" } };
  const cardIndex = state.table.card_index;
  const answer = { ...state.answer, cardIndex, pending: value, retried: false };
  if (!connected) return { state: withAnswer(state, answer), effect: { kind: "queued" } };
  return { state: withAnswer(state, { ...answer, inFlight: true }), effect: { kind: "send", cardIndex, value } };
}

/**
 * The acknowledgement of a submit_answer that sent `sent` = {cardIndex, value}; `res` is
 * what the transport resolved to. `connected`: whether the socket is connected now.
 * effect: {kind: "stale"} (the table moved on, or another value was sent since: ignore)
 *       | {kind: "sent"} | {kind: "refused", error}
 *       | {kind: "pending"} (no answer: sent again after the reconnect)
 *       | {kind: "retry", cardIndex, value} (a timeout while connected: send once more now)
 */
export function answerAcked(state, sent, res, { connected }) {
  const answer = state.answer;
  if (answer.cardIndex !== sent.cardIndex || answer.pending !== sent.value) {
    return { state, effect: { kind: "stale" } };
  }
  const done = { ...answer, inFlight: false };
  if (res.ok) {
    return { state: withAnswer(state, { ...done, sent: sent.value, pending: undefined }), effect: { kind: "sent" } };
  }
  if (res.error === "timeout" || res.error === "offline") {
    if (res.error === "timeout" && connected && !answer.retried) {
      // answers are idempotent: one immediate retry is safe
      const again = { ...done, retried: true, inFlight: true };
      return {
        state: withAnswer(state, again),
        effect: { kind: "retry", cardIndex: sent.cardIndex, value: sent.value },
      };
    }
    return { state: withAnswer(state, done), effect: { kind: "pending" } };
  }
  return { state: withAnswer(state, { ...done, pending: undefined }), effect: { kind: "refused", error: res.error } };
}
