// Unit tests for the conference's pure client logic: the big screen (lib/plenary.js), a conference
// table's banner (lib/event-notice.js) and the hold at a harvest card (lib/client-state.js).

import { test } from "node:test";
import assert from "node:assert/strict";

import {
  groupsToShow,
  peopleAtTables,
  roundedPercent,
  screenMode,
  shownKey,
  spreadSentence,
} from "../../koerskaart/static/js/lib/plenary.js";
import { mergeNotice, tableName } from "../../koerskaart/static/js/lib/event-notice.js";
import { applySnapshot, hostControls, initialState } from "../../koerskaart/static/js/lib/client-state.js";

const STRINGS = {
  spread_low: "little: %(share)s",
  spread_medium: "somewhat: %(share)s",
  spread_high: "strongly: %(share)s",
  people_at_tables: "%(n)s people at %(tables)s tables",
  table_n: "Table %(label)s",
};

const EVENT = { name: "Leiderschapsdag", plenary_card: 2, status: "open" };
const RELEASE = {
  card_index: 2,
  harvest: true,
  result: { tables: 4, n: 23, counts: [1, 4, 6, 8, 4], groups: null, group_sizes: null },
  spread: 0.12,
  spread_band: "medium",
  texts: null,
};

test("the screen shows the join code without a card, waits without a release, else the result", () => {
  assert.equal(screenMode(null, null), "join");
  assert.equal(screenMode({ ...EVENT, plenary_card: null }, RELEASE), "join");
  assert.equal(screenMode({ ...EVENT, plenary_card: null, status: "ended" }, null), "ended");
  assert.equal(screenMode(EVENT, null), "waiting");
  assert.equal(screenMode(EVENT, { card_index: 2, result: null }), "waiting");
  // the card changed (event_updated) before its release arrived (plenary_updated): do not show the old one
  assert.equal(screenMode({ ...EVENT, plenary_card: 3 }, RELEASE), "waiting");
  assert.equal(screenMode(EVENT, RELEASE), "result");
});

test("the spread is one sentence with its band, the share rounded to 5%", () => {
  assert.equal(spreadSentence(RELEASE, STRINGS), "somewhat: 10%");
  assert.equal(spreadSentence({ ...RELEASE, spread: 0.03, spread_band: "low" }, STRINGS), "little: 5%");
  assert.equal(spreadSentence({ ...RELEASE, spread: 0.376, spread_band: "high" }, STRINGS), "strongly: 40%");
  assert.equal(spreadSentence({ ...RELEASE, spread: null, spread_band: null }, STRINGS), null);
  assert.equal(spreadSentence(null, STRINGS), null);
});

test("rounded percentages stay within 0 and 100", () => {
  assert.deepEqual([0, 0.024, 0.025, 0.124, 0.5, 1, 1.2, -0.1].map(roundedPercent), [
    "0%",
    "0%",
    "5%",
    "10%",
    "50%",
    "100%",
    "100%",
    "0%",
  ]);
});

test("people and tables, and the perspectives only when the release has groups", () => {
  assert.equal(peopleAtTables(RELEASE.result, STRINGS), "23 people at 4 tables");
  assert.deepEqual(groupsToShow(RELEASE.result), []);
  const groups = {
    employee: { n: 15, counts: [0, 2, 4, 6, 3] },
    manager: { n: 6, counts: ["few", "few", "some", "few", "few"] },
  };
  assert.deepEqual(
    groupsToShow({ ...RELEASE.result, groups }).map((g) => [g.name, g.n]),
    [
      ["manager", 6],
      ["employee", 15],
    ]
  );
});

test("the announcement key changes with the card and with every new release", () => {
  const waiting = shownKey(EVENT, null);
  const first = shownKey(EVENT, RELEASE);
  const grown = shownKey(EVENT, { ...RELEASE, result: { ...RELEASE.result, n: 27, tables: 5 } });
  assert.notEqual(waiting, first);
  assert.notEqual(first, grown);
  assert.equal(first, shownKey({ ...EVENT }, { ...RELEASE }));
});

test("a label of digits reads as 'Table 7'; any other label as written", () => {
  assert.equal(tableName("7", STRINGS), "Table 7");
  assert.equal(tableName("De Tuin", STRINGS), "De Tuin");
  assert.equal(tableName("Tafel 9", STRINGS), "Tafel 9");
  assert.equal(tableName(null, STRINGS), null);
  assert.equal(tableName("", STRINGS), null);
});

test("an event-wide notice keeps the table from table_joined", () => {
  const joined = { name: "Dag", table_label: "7", announcement: null, countdown_ends_at: null, server_time: 10 };
  const notice = mergeNotice(null, joined);
  assert.equal(notice.table_label, "7");
  const next = mergeNotice(notice, { name: "Dag", announcement: "Koffie", countdown_ends_at: 130, server_time: 11 });
  assert.deepEqual(next, { name: "Dag", table_label: "7", announcement: "Koffie", countdown_ends_at: 130, server_time: 11 });
  // a reconnect's table_joined (after a move) brings the new table
  assert.equal(mergeNotice(next, { ...joined, table_label: "3" }).table_label, "3");
  assert.equal(mergeNotice(next, null), next);
});

test("a held table's host cannot move past the harvest card; finishing and other cards are free", () => {
  const STATEMENT = { type: "statement", sensitive: false };
  const table = (overrides) => ({
    status: "playing",
    paused: false,
    k: 3,
    k_text: 4,
    card_index: 2,
    card_count: 5,
    hold_at: 2,
    seats: [{ id: "h", is_host: true }],
    round: { card_index: 2, status: "revealed", answered: 3, total: 4, result: null },
    ...overrides,
  });
  const controls = (overrides) => hostControls(applySnapshot(initialState(), table(overrides)), STATEMENT);
  const held = controls({});
  assert.deepEqual([held.forward, held.held, held.canForward], ["next", true, false]);
  const open = controls({ round: { card_index: 2, status: "open", answered: 2, total: 4 } });
  assert.deepEqual([open.forward, open.held, open.canForward], ["skip", true, false]);
  const before = controls({ card_index: 1, round: { card_index: 1, status: "revealed" } });
  assert.deepEqual([before.held, before.canForward], [false, true]);
  const released = controls({ hold_at: null });
  assert.deepEqual([released.held, released.canForward], [false, true]);
  const lastCard = controls({ card_index: 4, hold_at: 4, round: { card_index: 4, status: "revealed" } });
  assert.deepEqual([lastCard.forward, lastCard.held, lastCard.canForward], ["finish", false, true]);
});
