// Unit tests for the dashboard's pure parts: the order of the tables grid and the totals.

import { test } from "node:test";
import assert from "node:assert/strict";

import { sortRows, totals } from "../../koerskaart/static/js/views/dashboard-tables.js";

const row = (id, label, extra) => ({
  id,
  label,
  status: "playing",
  phase: "answering",
  card_index: 2,
  round: "open",
  answered: 0,
  players: [],
  ...extra,
});
const people = (n) => Array.from({ length: n }, (_, i) => ({ id: "s" + i, nickname: null }));
const name = (r) => r.label || "";

test("tables sort by name in natural order, both ways, with ended tables last", () => {
  const rows = [row("a", "Tafel 10"), row("b", "Tafel 2"), row("c", "Tafel 1", { status: "ended" })];
  assert.deepEqual(sortRows(rows, { key: "label", dir: 1 }, name).map((r) => r.id), ["b", "a", "c"]);
  assert.deepEqual(sortRows(rows, { key: "label", dir: -1 }, name).map((r) => r.id), ["a", "b", "c"]);
});

test("sorting by phase puts stuck tables first; by players, the fullest last", () => {
  const rows = [
    row("a", "A", { phase: "done", players: people(5) }),
    row("b", "B", { phase: "stuck", players: people(2) }),
    row("c", "C", { phase: "answering", players: people(6) }),
  ];
  assert.deepEqual(sortRows(rows, { key: "phase", dir: 1 }, name).map((r) => r.id), ["b", "c", "a"]);
  assert.deepEqual(sortRows(rows, { key: "players", dir: 1 }, name).map((r) => r.id), ["b", "a", "c"]);
});

test("totals count running tables only, and answers on the current card", () => {
  const rows = [
    row("a", "A", { players: people(6), answered: 4 }),
    row("b", "B", { players: people(5), answered: 5, card_index: 1 }),
    row("c", "C", { phase: "discussing", round: "revealed", players: people(6), answered: 6 }),
    row("d", "D", { status: "ended", phase: "done", players: people(3) }),
  ];
  const t = totals(rows, 2);
  assert.equal(t.tables, 3);
  assert.equal(t.players, 17);
  assert.equal(t.answering, 2);
  assert.equal(t.discussing, 1);
  assert.deepEqual([t.answered, t.seatedAtOpen], [4, 6]);
  // free pacing has no current card: every open round counts
  assert.deepEqual([totals(rows, null).answered, totals(rows, null).seatedAtOpen], [9, 11]);
});
