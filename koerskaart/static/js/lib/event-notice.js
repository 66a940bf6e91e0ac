/* KoersKaart: the conference block of a table at an event (docs/socket-protocol.md, "Conference
   tables"): which table this is, the facilitator's message and countdown. PURE: no DOM, no
   window, no clock; unit-tested in tests/js. */

import { fmt } from "./format.js";

/** "Tafel 7" for a label of digits; any other label as the facilitator wrote it; null without one. */
export function tableName(label, strings) {
  if (label === null || label === undefined || label === "") return null;
  return /^\d+$/.test(label) ? fmt(strings.table_n, { label }) : label;
}

/**
 * The notice after `incoming` (table_joined.conference or an event_notice) arrived. The
 * event-wide event_notice carries no table_label: the one from table_joined is kept.
 */
export function mergeNotice(previous, incoming) {
  if (!incoming) return previous || null;
  const label = "table_label" in incoming ? incoming.table_label : previous ? previous.table_label : null;
  return { ...(previous || {}), ...incoming, table_label: label };
}
