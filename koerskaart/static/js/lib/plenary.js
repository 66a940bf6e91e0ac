/* KoersKaart: what the event's big screen shows, decided without the DOM (docs/socket-protocol.md,
   "Conference dashboard and big screen"). PURE: no DOM, no window, no clock; unit-tested in tests/js.
   The strings come translated from the server (conference/ui_strings.py screen_strings()). */

import { fmt } from "./format.js";

/**
 * Which view the big screen shows for `event` (event_joined / event_updated) and the latest
 * `plenary` (a release, or {card_index, result: null} while the room waits):
 *   "join"     no card on the screen: the join code
 *   "waiting"  a card, but no release for it yet (fewer than 3 tables revealed it)
 *   "result"   a card and its release
 *   "ended"    the event has ended and shows no card
 */
export function screenMode(event, plenary) {
  if (!event) return "join";
  const card = event.plenary_card;
  if (card === null || card === undefined) return event.status === "ended" ? "ended" : "join";
  if (!plenary || plenary.card_index !== card || !plenary.result) return "waiting";
  return "result";
}

/** A share (0..1) as a whole percentage rounded to 5, e.g. 0.12 -> "10%": the number is an estimate. */
export function roundedPercent(share) {
  const pct = Math.round((Math.max(0, Math.min(1, share)) * 100) / 5) * 5;
  return `${pct}%`;
}

/** The one sentence on how much the tables differ, with its band in words; null without a spread. */
export function spreadSentence(release, strings) {
  if (!release || !release.spread_band || typeof release.spread !== "number") return null;
  const template = strings["spread_" + release.spread_band];
  if (!template) return null;
  return fmt(template, { share: roundedPercent(release.spread) });
}

/** "24 people at 4 tables". */
export function peopleAtTables(result, strings) {
  return fmt(strings.people_at_tables, { n: result.n, tables: result.tables });
}

/** The perspectives to show side by side, in a fixed order; empty unless the release has groups. */
export function groupsToShow(result) {
  const groups = result && result.groups;
  if (!groups) return [];
  return ["manager", "employee"].filter((name) => groups[name]).map((name) => ({ name, ...groups[name] }));
}

/** A key that changes when what the screen shows changes (for the polite announcement). */
export function shownKey(event, plenary) {
  const mode = screenMode(event, plenary);
  if (mode !== "result") return `${mode}:${event ? event.plenary_card : ""}`;
  return `result:${plenary.card_index}:${plenary.result.n}:${plenary.result.tables}`;
}
