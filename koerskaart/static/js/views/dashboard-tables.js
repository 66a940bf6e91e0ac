/* KoersKaart: the dashboard's grid of tables (one <tr> per table) and its totals.
   Progress only: phase, card, counts and nicknames; never an answer. */

import { clear, h } from "../lib/dom.js";

const PHASE_ORDER = { stuck: 0, answering: 1, discussing: 2, lobby: 3, done: 4 };

/** The phase shown for a row: an ended table is "ended" whatever its last phase was. */
export function phaseOf(row) {
  return row.status === "ended" ? "ended" : row.phase;
}

/** Rows in the chosen order; ties (and ended tables last) keep a stable, name-based order. */
export function sortRows(rows, sort, name) {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  const key = {
    label: () => 0,
    phase: (r) => PHASE_ORDER[phaseOf(r)] ?? 9,
    card: (r) => (typeof r.card_index === "number" ? r.card_index : -1),
    players: (r) => r.players.length,
  }[sort.key] || (() => 0);
  return [...rows].sort((a, b) => {
    const endedA = a.status === "ended" ? 1 : 0;
    const endedB = b.status === "ended" ? 1 : 0;
    if (endedA !== endedB) return endedA - endedB;
    const diff = key(a) - key(b);
    if (diff !== 0) return diff * sort.dir;
    const byName = collator.compare(name(a), name(b));
    return sort.key === "label" ? byName * sort.dir : byName;
  });
}

/**
 * Totals over the tables still running. `answered`/`seatedAtOpen`: answers of the players at
 * tables with an open round (on `currentCard` when the facilitator paces the room).
 */
export function totals(rows, currentCard) {
  const out = { tables: 0, players: 0, lobby: 0, answering: 0, discussing: 0, done: 0, stuck: 0, answered: 0, seatedAtOpen: 0 };
  for (const row of rows) {
    if (row.status === "ended") continue;
    out.tables += 1;
    out.players += row.players.length;
    if (row.phase in out) out[row.phase] += 1;
    const onCard = currentCard === null || currentCard === undefined || row.card_index === currentCard;
    if (row.round === "open" && onCard) {
      out.answered += row.answered || 0;
      out.seatedAtOpen += row.players.length;
    }
  }
  return out;
}

/** Replace the body of the grid with one row per table. */
export function renderRows(tbody, rows, ctx) {
  const { strings: S, fmt, tableName } = ctx;
  clear(tbody);
  for (const row of rows) {
    const phase = phaseOf(row);
    const ended = row.status === "ended";
    const card = typeof row.card_index === "number" ? String(row.card_index + 1) : "–";
    const counts = row.round === "open" ? `${row.answered}/${row.players.length}` : `–/${row.players.length}`;
    const names = row.players.map((p) => p.nickname).filter(Boolean);
    const anonymous = row.players.length - names.length;
    if (anonymous > 0) names.push(fmt(anonymous === 1 ? S.anonymous_one : S.anonymous_many, { n: anonymous }));

    const notes = [];
    if (row.paused) notes.push(h("span", { class: "tag", text: S.paused }));
    if (row.hold_at !== null && row.hold_at !== undefined && !ended) {
      notes.push(h("span", { class: "tag", text: fmt(S.holds_at, { n: row.hold_at + 1 }) }));
    }
    const partner = ctx.merge[row.id] && ctx.byId.get(ctx.merge[row.id]);
    if (row.below_k && !ended) {
      notes.push(h("span", { class: "dash-warn", text: S.below_k }));
      if (partner) {
        notes.push(
          h("button", {
            type: "button",
            class: "btn btn--link dash-cell-btn",
            "data-testid": "dash-merge-suggestion",
            "data-focus-key": "merge:" + row.id,
            disabled: ctx.ended,
            onclick: () => ctx.onMerge(row, partner),
            text: fmt(S.merge_into, { table: tableName(partner) }),
          })
        );
      }
    }

    const seating = ended
      ? h("span", { text: "–" })
      : [
          row.seating_closed ? h("span", { class: "tag dash-closed", text: S.seating_closed_tag }) : null,
          h("button", {
          type: "button",
          class: "btn btn--link dash-cell-btn",
          "data-testid": "dash-seating",
          "data-focus-key": "seating:" + row.id,
          "aria-label": fmt(row.seating_closed ? S.reopen_seating_at : S.close_seating_at, { table: tableName(row) }),
          disabled: ctx.ended,
          onclick: () => ctx.onSeating(row),
          text: row.seating_closed ? S.seating_reopen : S.seating_close,
        }),
        ];

    tbody.append(
      h(
        "tr",
        { class: "dash-row dash-row--" + phase, "data-testid": "dash-table-row", "data-table-id": row.id },
        h("th", { scope: "row", "data-testid": "dash-row-label", text: tableName(row) }),
        h("td", {}, h("span", { class: "dash-phase dash-phase--" + phase, "data-testid": "dash-row-phase", text: S["phase_" + phase] || phase })),
        h("td", { class: "num", "data-testid": "dash-row-card", text: card }),
        h("td", { class: "num", "data-testid": "dash-row-count", text: counts }),
        h("td", { class: "dash-names", "data-testid": "dash-row-players", text: names.join(", ") }),
        h("td", { class: "dash-notes" }, notes),
        h("td", { class: "dash-seating" }, seating)
      )
    );
  }
}
