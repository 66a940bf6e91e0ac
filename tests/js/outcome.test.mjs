// Unit tests for koerskaart/static/js/lib/outcome.js: what the reveal announcement says. It names the
// answer chosen most often with its count, and on a sensitive card only bands, never a count.

import { test } from "node:test";
import assert from "node:assert/strict";

import { revealText } from "../../koerskaart/static/js/lib/outcome.js";

const strings = {
  result_revealed: "Result revealed",
  reveal_top: "Result revealed: chosen most often: %(answers)s (%(count)s of %(n)s).",
  reveal_top_tie: "Result revealed: chosen most often: %(answers)s (%(count)s each, of %(n)s).",
  reveal_band: "Result revealed, without exact numbers: %(answers)s: %(band)s.",
  reveal_all_few: "Result revealed, without exact numbers: every answer was chosen by none or a few.",
  reveal_open: "Result revealed: %(n)s answers, in random order.",
  few: "none or a few",
  some: "part of the table",
  almost_all: "most or all",
};
const scaleLabels = {
  statement: ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"],
  frequency: ["Never", "Rarely", "Sometimes", "Often", "Always"],
};
const opts = { strings, scaleLabels, lang: "en" };

test("a scale card: the answer chosen most often, with its count", () => {
  const text = revealText({ type: "statement" }, { n: 6, counts: [0, 1, 0, 4, 1] }, opts);
  assert.equal(text, "Result revealed: chosen most often: “Agree” (4 of 6).");
});

test("a tie names every answer at the top, in the page's language", () => {
  const card = { type: "choice", options: ["Rules", "Room", "Backing"] };
  assert.equal(
    revealText(card, { n: 6, counts: [3, 3, 0] }, opts),
    "Result revealed: chosen most often: “Rules” and “Room” (3 each, of 6)."
  );
  const dutch = revealText(card, { n: 6, counts: [3, 3, 0] }, { ...opts, lang: "nl" });
  assert.match(dutch, /“Rules” en “Room”/);
});

test("a sensitive card names the highest band and no number at all", () => {
  const card = { type: "frequency", sensitive: true };
  const most = revealText(card, { n: 6, counts: ["almost_all", "few", "few", "few", "few"] }, opts);
  assert.equal(most, "Result revealed, without exact numbers: “Never”: most or all.");
  const some = revealText(card, { n: 7, counts: ["some", "few", "some", "few", "few"] }, opts);
  assert.equal(some, "Result revealed, without exact numbers: “Never” and “Sometimes”: part of the table.");
  const few = revealText(card, { n: 4, counts: ["few", "few", "few", "few", "few"] }, opts);
  assert.equal(few, strings.reveal_all_few);
  for (const text of [most, some, few]) assert.doesNotMatch(text, /\d/);
});

test("an open card says how many answers, a missing result just that it was revealed", () => {
  assert.equal(
    revealText({ type: "open" }, { n: 5, counts: [], texts: ["a", "b", "c", "d", "e"] }, opts),
    "Result revealed: 5 answers, in random order."
  );
  assert.equal(revealText({ type: "statement" }, null, opts), "Result revealed");
});
