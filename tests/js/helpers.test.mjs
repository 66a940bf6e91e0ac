// Unit tests for the pure helpers next to the client state: lib/cards.js and lib/format.js.

import { test } from "node:test";
import assert from "node:assert/strict";

import { answerChoices, isDiscussing, showsOutcome, threshold } from "../../koerskaart/static/js/lib/cards.js";
import { errorText, fmt, formatDuration } from "../../koerskaart/static/js/lib/format.js";

const SCALES = {
  statement: ["--", "-", "0", "+", "++"],
  frequency: ["never", "rarely", "sometimes", "often", "always"],
};

test("scale cards send 1-5, choice cards the option index, other cards nothing", () => {
  assert.deepEqual(
    answerChoices({ type: "statement" }, SCALES).map((c) => [c.value, c.label]),
    [[1, "--"], [2, "-"], [3, "0"], [4, "+"], [5, "++"]]
  );
  assert.deepEqual(answerChoices({ type: "frequency" }, SCALES)[4], { value: 5, label: "always" });
  assert.deepEqual(answerChoices({ type: "choice", options: ["A", "B"] }, SCALES), [
    { value: 0, label: "A" },
    { value: 1, label: "B" },
  ]);
  // With the page's sanitised HTML next to the plain labels (lib/safe-html.js inserts it).
  assert.deepEqual(answerChoices({ type: "choice", options: ["A", "B"], options_html: ["<em>A</em>", "B"] }, SCALES), [
    { value: 0, label: "A", html: "<em>A</em>" },
    { value: 1, label: "B", html: "B" },
  ]);
  assert.deepEqual(answerChoices({ type: "open" }, SCALES), []);
  assert.deepEqual(answerChoices({ type: "action" }, SCALES), []);
});

test("the reveal threshold: k, k + 1 on sensitive cards, k_text for open text", () => {
  const table = { k: 3, k_text: 5 };
  assert.equal(threshold({ type: "statement" }, table), 3);
  assert.equal(threshold({ type: "frequency", sensitive: true }, table), 4);
  assert.equal(threshold({ type: "open", sensitive: true }, table), 5);
});

test("outcomes show for closed rounds of answerable cards; the talking starts after the round", () => {
  assert.equal(showsOutcome({ type: "choice" }, "revealed"), true);
  assert.equal(showsOutcome({ type: "choice" }, "too_few"), true);
  assert.equal(showsOutcome({ type: "choice" }, "skipped"), true);
  assert.equal(showsOutcome({ type: "choice" }, "open"), false);
  assert.equal(showsOutcome({ type: "action" }, "revealed"), false);
  assert.equal(isDiscussing({ type: "statement" }, "open"), false);
  assert.equal(isDiscussing({ type: "statement" }, "revealed"), true);
  assert.equal(isDiscussing({ type: "action" }, "open"), true);
});

test("fmt fills %(name)s and leaves unknown placeholders alone", () => {
  assert.equal(fmt("Card %(n)s of %(total)s", { n: 2, total: 15 }), "Card 2 of 15");
  assert.equal(fmt("%(n)s and %(missing)s", { n: 0 }), "0 and %(missing)s");
  assert.equal(fmt(undefined, {}), "");
});

test("durations are m:ss, rounded up, never negative", () => {
  assert.equal(formatDuration(299.2), "5:00");
  assert.equal(formatDuration(61), "1:01");
  assert.equal(formatDuration(-3), "0:00");
});

test("error codes map to the server's strings, unknown codes to the generic one", () => {
  const strings = { error_not_host: "Only the host", error_unknown: "Try again" };
  assert.equal(errorText(strings, "not_host"), "Only the host");
  assert.equal(errorText(strings, "weird"), "Try again");
});
