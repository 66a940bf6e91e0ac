// Unit tests for koerskaart/static/js/lib/client-state.js: what a phone knows about its
// table and the answer it is sending. Run with `node --test tests/js/` (or pytest, which
// runs this through tests/js/test_node_units.py).

import { test, describe } from "node:test";
import assert from "node:assert/strict";

import {
  answerAcked,
  answerNote,
  answerProgress,
  applyAnswerCount,
  applyJoined,
  applySnapshot,
  hostControls,
  initialState,
  isHost,
  noAnswer,
  sendButton,
  shownValue,
  submitAnswer,
} from "../../koerskaart/static/js/lib/client-state.js";

const HOST = "seat-host";
const ME = "seat-me";

/** A table_updated snapshot; the round belongs to the current card unless `round` says otherwise. */
function snapshot(overrides = {}) {
  const { round, ...rest } = overrides;
  const cardIndex = rest.card_index ?? 0;
  return deepFreeze({
    reason: "state",
    status: "playing",
    locked: false,
    paused: false,
    discussion_only: false,
    k: 3,
    k_text: 4,
    card_index: cardIndex,
    card_count: 5,
    timer_ends_at: null,
    server_time: 1763839940.2,
    seats: [
      { id: HOST, nickname: "Anne", is_host: true },
      { id: ME, nickname: "Bo", is_host: false },
      { id: "seat-3", nickname: "", is_host: false },
      { id: "seat-4", nickname: "", is_host: false },
    ],
    round: { card_index: cardIndex, status: "open", answered: 0, total: 4, result: null, ...round },
    rounds: { [cardIndex]: "open" },
    actions: [],
    results: null,
    keep_open_text: false,
    ...rest,
  });
}

function joinedMsg(table, { seatId = ME, myAnswer = null } = {}) {
  return deepFreeze({
    you: { role: "seat", seat_id: seatId, my_answer: myAnswer },
    join: { code: "K7XM-Q4TZ", url: "http://example.test/join#K7XM-Q4TZ", qr_svg: "<svg></svg>" },
    table,
  });
}

/** Freeze an object graph: any transition that mutates its input then throws (modules are strict). */
function deepFreeze(value) {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A phone seated on card 0 with an open round (what table_joined gives a fresh page). */
function seatedOnOpenCard(options) {
  return deepFreeze(applyJoined(initialState(), joinedMsg(snapshot(), options)).state);
}

const ONLINE = { connected: true };
const OFFLINE = { connected: false };
const STATEMENT = { type: "statement", prompt: "In ons team…" };

describe("snapshots", () => {
  test("table_joined stores who we are, the join code and the table", () => {
    const table = snapshot();
    const { state, effect } = applyJoined(initialState(), joinedMsg(table, { seatId: HOST }));
    assert.equal(effect, null);
    assert.equal(state.table, table);
    assert.equal(state.you.seat_id, HOST);
    assert.equal(state.join.code, "K7XM-Q4TZ");
    assert.equal(isHost(state), true);
    assert.deepEqual(state.answer, noAnswer(0));
  });

  test("only the host's seat is the host; nobody is before table_joined", () => {
    assert.equal(isHost(initialState()), false);
    assert.equal(isHost(seatedOnOpenCard()), false);
  });

  test("an ended table has no join code", () => {
    const msg = { ...joinedMsg(snapshot({ status: "ended" })), join: null };
    assert.equal(applyJoined(initialState(), msg).state.join, null);
  });

  test("table_updated replaces the table and keeps the answer of the same card", () => {
    let state = seatedOnOpenCard();
    state = submitAnswer(state, 4, ONLINE).state;
    state = answerAcked(state, { cardIndex: 0, value: 4 }, { ok: true, card_index: 0 }, ONLINE).state;
    const next = snapshot({ reason: "seat_joined", round: { answered: 1 } });
    const after = applySnapshot(deepFreeze(state), next);
    assert.equal(after.table, next);
    assert.equal(after.answer.sent, 4);
  });

  test("answer_count_changed updates the count of the current round only", () => {
    const state = seatedOnOpenCard();
    const counted = applyAnswerCount(state, { card_index: 0, answered: 3, total: 4 });
    assert.equal(counted.table.round.answered, 3);
    assert.deepEqual(answerProgress(counted, STATEMENT), { answered: 3, total: 4 });
    assert.equal(state.table.round.answered, 0, "the old snapshot is not changed");
    assert.equal(applyAnswerCount(state, { card_index: 1, answered: 3, total: 4 }), state, "another card: ignored");
    assert.equal(applyAnswerCount(initialState(), { card_index: 0, answered: 1, total: 4 }).table, null);
  });

  test("the answer count shows only while an answerable card's round is open", () => {
    const open = seatedOnOpenCard();
    assert.deepEqual(answerProgress(open, STATEMENT), { answered: 0, total: 4 });
    assert.equal(answerProgress(open, { type: "action" }), null);
    const revealed = applySnapshot(open, snapshot({ round: { status: "revealed" } }));
    assert.equal(answerProgress(revealed, STATEMENT), null);
    const noTotal = applySnapshot(open, snapshot({ round: { answered: undefined, total: undefined } }));
    assert.deepEqual(answerProgress(noTotal, STATEMENT), { answered: 0, total: 4 }, "falls back to the seats");
  });
});

describe("sending an answer", () => {
  test("send, then the ack: the answer is stored and the button offers a change", () => {
    let state = seatedOnOpenCard();
    assert.deepEqual(sendButton(state, undefined), { label: "send", disabled: false });

    const submitted = submitAnswer(state, 4, ONLINE);
    assert.deepEqual(submitted.effect, { kind: "send", cardIndex: 0, value: 4 });
    state = deepFreeze(submitted.state);
    assert.equal(state.answer.pending, 4);
    assert.equal(state.answer.inFlight, true);
    assert.deepEqual(sendButton(state, 4), { label: "sending", disabled: true });
    assert.equal(answerNote(state.answer), "pending");

    const acked = answerAcked(state, submitted.effect, { ok: true, card_index: 0 }, ONLINE);
    assert.deepEqual(acked.effect, { kind: "sent" });
    state = acked.state;
    assert.equal(state.answer.sent, 4);
    assert.equal(state.answer.pending, undefined);
    assert.equal(state.answer.inFlight, false);
    assert.equal(answerNote(state.answer), "sent");
    assert.deepEqual(sendButton(state, 4), { label: "change", disabled: true }, "unchanged: nothing to send");
    assert.deepEqual(sendButton(state, 2), { label: "change", disabled: false });
  });

  test("nothing chosen: nothing is sent", () => {
    const state = seatedOnOpenCard();
    const { state: after, effect } = submitAnswer(state, undefined, ONLINE);
    assert.deepEqual(effect, { kind: "nothing_chosen" });
    assert.equal(after, state);
  });

  test("a refused answer is dropped; the stored answer stays", () => {
    let state = seatedOnOpenCard({ myAnswer: 2 });
    const submitted = submitAnswer(state, 5, ONLINE);
    state = deepFreeze(submitted.state);
    const { state: after, effect } = answerAcked(state, submitted.effect, { ok: false, error: "round_closed" }, ONLINE);
    assert.deepEqual(effect, { kind: "refused", error: "round_closed" });
    assert.equal(after.answer.pending, undefined);
    assert.equal(after.answer.inFlight, false);
    assert.equal(after.answer.sent, 2);
    assert.equal(shownValue(after.answer), 2);
  });

  test("a timeout while connected is retried once, and only once", () => {
    let state = seatedOnOpenCard();
    const submitted = submitAnswer(state, 3, ONLINE);
    state = deepFreeze(submitted.state);
    const first = answerAcked(state, submitted.effect, { ok: false, error: "timeout" }, ONLINE);
    assert.deepEqual(first.effect, { kind: "retry", cardIndex: 0, value: 3 });
    assert.equal(first.state.answer.inFlight, true);
    const second = answerAcked(deepFreeze(first.state), first.effect, { ok: false, error: "timeout" }, ONLINE);
    assert.deepEqual(second.effect, { kind: "pending" });
    assert.equal(second.state.answer.pending, 3, "kept, to send after a reconnect");
    assert.equal(second.state.answer.inFlight, false);
  });

  test("offline: the answer waits; table_joined after the reconnect sends it", () => {
    let state = seatedOnOpenCard();
    const queued = submitAnswer(state, 1, OFFLINE);
    assert.deepEqual(queued.effect, { kind: "queued" });
    state = deepFreeze(queued.state);
    assert.equal(state.answer.inFlight, false);
    assert.equal(state.answer.pending, 1);
    const { state: after, effect } = applyJoined(state, joinedMsg(snapshot(), { myAnswer: null }));
    assert.deepEqual(effect, { kind: "send", cardIndex: 0, value: 1 });
    assert.equal(after.answer.inFlight, true);
  });

  test("timeout, then reconnect: the answer is sent again exactly once", () => {
    let state = seatedOnOpenCard();
    const submitted = submitAnswer(state, 4, ONLINE);
    state = deepFreeze(submitted.state);
    // the connection drops: socket.io ends the waiting ack with an error, the socket is not connected
    const lost = answerAcked(state, submitted.effect, { ok: false, error: "timeout" }, OFFLINE);
    assert.deepEqual(lost.effect, { kind: "pending" }, "no retry while offline");
    state = deepFreeze(lost.state);

    // snapshots while reconnecting do not send anything (applySnapshot has no effects)
    state = deepFreeze(applySnapshot(state, snapshot({ round: { answered: 1 } })));
    assert.equal(state.answer.pending, 4);

    const joined = applyJoined(state, joinedMsg(snapshot(), { myAnswer: null }));
    assert.deepEqual(joined.effect, { kind: "send", cardIndex: 0, value: 4 });
    state = deepFreeze(joined.state);

    // the resend also times out: it has had its retry, so it waits for the next connection
    const again = answerAcked(state, joined.effect, { ok: false, error: "timeout" }, ONLINE);
    assert.deepEqual(again.effect, { kind: "pending" });

    // or it arrives
    const done = answerAcked(state, joined.effect, { ok: true, card_index: 0 }, ONLINE);
    assert.deepEqual(done.effect, { kind: "sent" });
    assert.equal(done.state.answer.sent, 4);
    assert.equal(done.state.answer.pending, undefined);
  });

  test("table_joined with my_answer equal to the pending answer confirms it without sending", () => {
    let state = seatedOnOpenCard();
    state = deepFreeze(submitAnswer(state, 5, OFFLINE).state);
    const { state: after, effect } = applyJoined(state, joinedMsg(snapshot(), { myAnswer: 5 }));
    assert.deepEqual(effect, { kind: "confirmed" });
    assert.equal(after.answer.sent, 5);
    assert.equal(after.answer.pending, undefined);
  });

  test("a reloaded page gets its stored answer back from table_joined", () => {
    const state = seatedOnOpenCard({ myAnswer: 2 });
    assert.equal(state.answer.sent, 2);
    assert.equal(shownValue(state.answer), 2);
    assert.equal(answerNote(state.answer), "sent");
    const text = seatedOnOpenCard({ myAnswer: "Meer tijd" });
    assert.equal(shownValue(text.answer), "Meer tijd");
  });

  test("table_joined with another stored answer keeps it as sent and resends the pending one", () => {
    let state = seatedOnOpenCard({ myAnswer: 2 });
    state = deepFreeze(submitAnswer(state, 3, OFFLINE).state);
    const { state: after, effect } = applyJoined(state, joinedMsg(snapshot(), { myAnswer: 2 }));
    assert.deepEqual(effect, { kind: "send", cardIndex: 0, value: 3 });
    assert.equal(after.answer.sent, 2);
    assert.equal(after.answer.pending, 3);
  });
});

describe("the table moves on", () => {
  test("a new card starts a new answer", () => {
    let state = seatedOnOpenCard();
    const submitted = submitAnswer(state, 4, ONLINE);
    state = answerAcked(submitted.state, submitted.effect, { ok: true }, ONLINE).state;
    assert.equal(state.answer.sent, 4);
    const next = applySnapshot(deepFreeze(state), snapshot({ card_index: 1, reason: "card_shown" }));
    assert.deepEqual(next.answer, noAnswer(1));
    assert.deepEqual(sendButton(next, undefined), { label: "send", disabled: false });
  });

  test("a reveal clears the pending answer, and its late ack is ignored", () => {
    let state = seatedOnOpenCard();
    const submitted = submitAnswer(state, 4, ONLINE);
    state = deepFreeze(submitted.state);
    const reveal = snapshot({ reason: "round_revealed", round: { status: "revealed" } });
    const revealed = deepFreeze(applySnapshot(state, reveal));
    assert.equal(revealed.answer.pending, undefined);
    assert.equal(revealed.answer.sent, undefined);
    assert.equal(revealed.answer.inFlight, false);
    const late = answerAcked(revealed, submitted.effect, { ok: true, card_index: 0 }, ONLINE);
    assert.deepEqual(late.effect, { kind: "stale" });
    assert.equal(late.state, revealed);
  });

  test("an ack for the previous card is ignored", () => {
    let state = seatedOnOpenCard();
    const submitted = submitAnswer(state, 4, ONLINE);
    state = deepFreeze(applySnapshot(submitted.state, snapshot({ card_index: 1 })));
    const late = answerAcked(state, submitted.effect, { ok: false, error: "timeout" }, ONLINE);
    assert.deepEqual(late.effect, { kind: "stale" });
    assert.deepEqual(late.state.answer, noAnswer(1));
  });

  test("reconnecting to an ended table drops the pending answer", () => {
    let state = seatedOnOpenCard();
    state = deepFreeze(submitAnswer(state, 4, OFFLINE).state);
    const { state: after, effect } = applyJoined(state, joinedMsg(snapshot({ status: "ended" })));
    assert.equal(effect, null);
    assert.equal(after.answer.pending, undefined);
  });

  test("reconnecting to a round that closed meanwhile sends nothing", () => {
    let state = seatedOnOpenCard();
    state = deepFreeze(submitAnswer(state, 4, OFFLINE).state);
    const closed = snapshot({ round: { status: "too_few" } });
    const { state: after, effect } = applyJoined(state, joinedMsg(closed));
    assert.equal(effect, null);
    assert.equal(after.answer.pending, undefined);
  });
});

describe("host controls", () => {
  const hostOn = (table) => applyJoined(initialState(), joinedMsg(table, { seatId: HOST })).state;

  test("reveal needs k answers, and says so", () => {
    const few = hostControls(hostOn(snapshot({ card_index: 0, round: { answered: 2 } })), STATEMENT);
    assert.equal(few.open, true);
    assert.equal(few.canReveal, false);
    assert.equal(few.revealNeeds, 3);
    const enough = hostControls(hostOn(snapshot({ round: { answered: 3 } })), STATEMENT);
    assert.equal(enough.canReveal, true);
    assert.equal(enough.revealNeeds, null);
  });

  test("sensitive cards need k + 1, open cards k_text", () => {
    const state = hostOn(snapshot({ round: { answered: 3 } }));
    assert.equal(hostControls(state, { ...STATEMENT, sensitive: true }).canReveal, false);
    assert.equal(hostControls(state, { ...STATEMENT, sensitive: true }).revealNeeds, 4);
    assert.equal(hostControls(state, { type: "open" }).revealNeeds, 4);
  });

  test("going back needs the answers revealed or skipped first; card 1 has no Back", () => {
    const answered = hostControls(hostOn(snapshot({ card_index: 2, round: { answered: 1 } })), STATEMENT);
    assert.equal(answered.showBack, true);
    assert.equal(answered.canGoBack, false);
    const none = hostControls(hostOn(snapshot({ card_index: 2, round: { answered: 0 } })), STATEMENT);
    assert.equal(none.canGoBack, true);
    const first = hostControls(hostOn(snapshot({ card_index: 0, round: { answered: 0 } })), STATEMENT);
    assert.equal(first.showBack, false, "nothing to go back to on the first card");
  });

  test("moving on: skip drops answers (and asks first), next when there are none, finish on the last card", () => {
    const answered = hostControls(hostOn(snapshot({ card_index: 1, round: { answered: 2 } })), STATEMENT);
    assert.deepEqual([answered.forward, answered.confirmSkip, answered.answered], ["skip", true, 2]);
    // a fresh card, or a skipped card the host went back to (it reopens empty): nothing to throw away
    const empty = hostControls(hostOn(snapshot({ card_index: 1, round: { answered: 0 } })), STATEMENT);
    assert.deepEqual([empty.forward, empty.confirmSkip, empty.showReveal], ["next", false, true]);
    const revealed = hostControls(hostOn(snapshot({ card_index: 1, round: { status: "revealed" } })), STATEMENT);
    assert.deepEqual([revealed.forward, revealed.showReveal, revealed.canGoBack], ["next", false, true]);
    const last = hostControls(hostOn(snapshot({ card_index: 4, round: { status: "discussed" } })), { type: "action" });
    assert.deepEqual([last.open, last.last, last.forward], [false, true, "finish"]);
    const lastOpen = hostControls(hostOn(snapshot({ card_index: 4, round: { answered: 0 } })), STATEMENT);
    assert.equal(lastOpen.forward, "finish");
  });

  test("a card that can show no result at this table offers no reveal and says why", () => {
    const two = snapshot({
      discussion_only: true,
      seats: [
        { id: HOST, nickname: "Anne", is_host: true },
        { id: ME, nickname: "Bo", is_host: false },
      ],
      round: { answered: 1, total: 2 },
    });
    const controls = hostControls(hostOn(two), STATEMENT);
    assert.deepEqual(
      [controls.showReveal, controls.revealNeeds, controls.noResultNeeds, controls.forward, controls.confirmSkip],
      [false, null, 3, "skip", false]
    );
    // four seats: a sensitive card (k + 1 = 4) can reveal, an open card with k_text 5 cannot
    const four = hostOn(snapshot({ k_text: 5, round: { answered: 0 } }));
    assert.equal(hostControls(four, { ...STATEMENT, sensitive: true }).showReveal, true);
    assert.deepEqual(
      [hostControls(four, { type: "open" }).showReveal, hostControls(four, { type: "open" }).noResultNeeds],
      [false, 5]
    );
  });

  test("a paused table allows nothing", () => {
    const paused = hostControls(hostOn(snapshot({ card_index: 1, paused: true, round: { answered: 4 } })), STATEMENT);
    assert.deepEqual(
      [paused.canReveal, paused.canForward, paused.canGoBack, paused.paused],
      [false, false, false, true]
    );
  });
});
