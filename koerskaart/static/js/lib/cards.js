/* KoersKaart: facts about a card of the deck (data.deck.cards[i]) that both the phone
   and the table screen need. Pure: no DOM, no window (unit-tested in tests/js). */

/** Labels of a card's answer values, in value order, with the value each one sends (and, for a
    choice card, the option's sanitised HTML: lib/safe-html.js). */
export function answerChoices(card, scaleLabels) {
  if (card.type === "statement" || card.type === "frequency") {
    return (scaleLabels[card.type] || []).map((label, i) => ({ value: i + 1, label }));
  }
  if (card.type === "choice") {
    const html = card.options_html || [];
    return (card.options || []).map((label, i) => (html[i] ? { value: i, label, html: html[i] } : { value: i, label }));
  }
  return [];
}

/** Answers needed to reveal: open text has its own, higher bar; sensitive cards need k + 1 (as the engine). */
export function threshold(card, table) {
  if (card && card.type === "open") return table.k_text;
  return card && card.sensitive ? table.k + 1 : table.k;
}

/** Action cards take team actions; every other card takes one answer per player. */
export function isAnswerable(card) {
  return card.type !== "action";
}

/** Whether a round in this status has an outcome to show (a result, too few, skipped). */
export function showsOutcome(card, status) {
  return isAnswerable(card) && ["revealed", "too_few", "skipped"].includes(status);
}

/** Whether the table is talking rather than answering: follow-up questions and the source show. */
export function isDiscussing(card, status) {
  return !isAnswerable(card) || status !== "open";
}
