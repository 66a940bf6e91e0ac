// Which cards a phone offers for feedback (koerskaart/static/js/views/feedback.js).
import { test } from "node:test";
import assert from "node:assert/strict";

import { offerable } from "../../koerskaart/static/js/views/feedback.js";

const playing = (status, extra = {}) => ({ status: "playing", card_index: 1, rounds: { 0: "revealed", 1: status }, ...extra });

test("during play only the current card, once revealed, and only once", () => {
  assert.deepEqual(offerable(playing("open"), new Set()), []);
  assert.deepEqual(offerable(playing("too_few"), new Set()), []);
  assert.deepEqual(offerable(playing("revealed"), new Set()), [1]);
  assert.deepEqual(offerable(playing("revealed"), new Set([1])), []);
});

test("at the end every card the table reached, minus those already judged", () => {
  const ended = { status: "ended", card_index: 3, rounds: { 0: "revealed", 2: "skipped", 10: "open" } };
  assert.deepEqual(offerable(ended, new Set([2])), [0, 10]);
  assert.deepEqual(offerable({ status: "lobby", rounds: {} }, new Set()), []);
  assert.deepEqual(offerable(null, new Set()), []);
});
