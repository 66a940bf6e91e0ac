/* KoersKaart: what changed between two snapshots, said to screen-reader users through the
   live region (and, on the phone, where the page scrolls and focus goes). */

import { $, announce } from "../lib/dom.js";
import { fmt } from "../lib/format.js";
import { currentRound } from "../lib/client-state.js";

/** The phone: the end, a new card, a reveal or too few, pause and resume, the timer. */
export function announcePhoneChanges(prev, snap, deck, strings) {
  if (!prev) return;
  const card = deck.cards[snap.card_index];
  if (snap.status === "ended" && prev.status !== "ended") {
    announce(strings.ended_announce);
    window.scrollTo(0, 0);
    $("ended-title").focus({ preventScroll: true });
    return;
  }
  if (snap.status !== "playing") return;
  if (prev.status !== "playing" || prev.card_index !== snap.card_index) {
    announce(fmt(strings.new_card, { n: snap.card_index + 1, total: snap.card_count, prompt: card.prompt }));
    window.scrollTo(0, 0);
    return;
  }
  const before = currentRound(prev);
  const now = currentRound(snap);
  if (before && now && before.status === "open" && now.status !== "open") {
    if (now.status === "revealed") announce(strings.result_revealed);
    else if (now.status === "too_few") announce(strings.too_few_announce);
    const result = $("result");
    if (!result.hidden) result.scrollIntoView({ block: "nearest" });
  }
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
export function announceScreenChanges(prev, snap, strings) {
  if (!prev) return;
  if (snap.status === "playing" && prev.status === "playing" && prev.card_index === snap.card_index) {
    const before = currentRound(prev);
    const now = currentRound(snap);
    if (before && now && before.status === "open" && now.status === "revealed") announce(strings.result_revealed);
  }
  if (snap.status === "ended" && prev.status !== "ended") announce(strings.ended_announce);
}
