/* KoersKaart: what changed between two snapshots, said to screen-reader users through the
   live region. A reveal says its result in a sentence (lib/outcome.js). Where focus goes after a
   change is the page's business (table.js). */

import { announce } from "../lib/dom.js";
import { fmt } from "../lib/format.js";
import { currentRound } from "../lib/client-state.js";
import { revealText } from "../lib/outcome.js";

/** The round of the same card went from open to an outcome: "revealed", "too_few", "skipped", or null. */
export function closedNow(prev, snap) {
  if (!prev || prev.status !== "playing" || snap.status !== "playing" || prev.card_index !== snap.card_index) {
    return null;
  }
  const before = currentRound(prev);
  const now = currentRound(snap);
  return before && now && before.status === "open" && now.status !== "open" ? now.status : null;
}

function revealAnnouncement(snap, deck, opts) {
  const round = currentRound(snap);
  const lang = document.documentElement.lang || "nl";
  return revealText(deck.cards[snap.card_index], round && round.result, { ...opts, lang });
}

/** The phone: the end, a new card, a reveal (with its result) or too few, pause and resume, the timer. */
export function announcePhoneChanges(prev, snap, deck, opts) {
  const strings = opts.strings;
  if (!prev) return;
  if (snap.status === "ended" && prev.status !== "ended") {
    announce(strings.ended_announce);
    return;
  }
  if (snap.status !== "playing") return;
  if (prev.status !== "playing" || prev.card_index !== snap.card_index) {
    const card = deck.cards[snap.card_index];
    announce(fmt(strings.new_card, { n: snap.card_index + 1, total: snap.card_count, prompt: card.prompt }));
    return;
  }
  const closed = closedNow(prev, snap);
  if (closed === "revealed") announce(revealAnnouncement(snap, deck, opts));
  else if (closed === "too_few") announce(strings.too_few_announce);
  if (prev.paused !== snap.paused) announce(snap.paused ? strings.paused_announce : strings.resumed_announce);
  if (snap.reason === "timer_set") {
    if (snap.timer_ends_at) {
      const minutes = Math.round((snap.timer_ends_at - snap.server_time) / 60);
      announce(fmt(strings.timer_set, { n: minutes }));
    } else {
      announce(strings.timer_cleared);
    }
  }
}

/** The table screen: only a reveal and the end (people watch it, they do not operate it). */
export function announceScreenChanges(prev, snap, deck, opts) {
  if (!prev) return;
  if (closedNow(prev, snap) === "revealed") announce(revealAnnouncement(snap, deck, opts));
  if (snap.status === "ended" && prev.status !== "ended") announce(opts.strings.ended_announce);
}
