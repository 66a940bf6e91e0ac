/* KoersKaart: the card on the table, on the phone and the table screen: phase, progress,
   prompt and body, the "fewer than k" notice, the answer count, the choice options (the
   screen), the follow-up questions and the source once the table is talking. Card text comes
   as sanitised HTML (the `*_html` fields, see lib/safe-html.js). */

import { $, clear, h } from "../lib/dom.js";
import { fmt } from "../lib/format.js";
import { isAnswerable, isDiscussing } from "../lib/cards.js";
import { safeFragment, setHtml } from "../lib/safe-html.js";

/** Phase, "Card n of m", prompt, body and the discussion-only notice. */
export function renderCardHead(card, table, status, strings) {
  const idx = table.card_index;
  $("phase").textContent = card.phase_title || "";
  $("card-progress").textContent = fmt(strings.card_of, { n: idx + 1, total: table.card_count });
  setHtml($("card-prompt"), card.prompt_html);
  const body = $("card-body");
  setHtml(body, card.body_html);
  body.hidden = !card.body;
  const notice = $("card-discussion-only");
  notice.hidden = !(table.discussion_only && isAnswerable(card) && status === "open");
  notice.textContent = fmt(strings.discussion_only_playing, { k: table.k });
}

/** Follow-up questions and the source: shown once the table is talking about the card. */
export function renderDiscussion(card, status, strings) {
  const discussing = isDiscussing(card, status);
  const followups = card.follow_up_html || [];
  $("followups").hidden = !(discussing && followups.length);
  const list = clear($("followup-list"));
  for (const question of followups) list.append(h("li", {}, safeFragment(question)));
  const source = $("card-source");
  source.hidden = !(discussing && card.source);
  // "Source: %(source)s" around the source's sanitised HTML: the words as text, the source as nodes.
  const [before, after = ""] = String(strings.source).split("%(source)s");
  source.replaceChildren();
  if (card.source_html) source.append(before, safeFragment(card.source_html), after);
}

/** "n of m answered" (client-state answerProgress(), or null). A live region: set only when it changes. */
export function renderAnswerStatus(progress, strings) {
  const el = $("answer-status");
  const text = progress ? fmt(strings.answered, progress) : "";
  if (el.textContent !== text) el.textContent = text;
}

/** The table screen lists a choice card's options while people answer. */
export function renderChoiceOptions(card, status) {
  const options = clear($("card-options"));
  const show = card.type === "choice" && status === "open";
  options.hidden = !show;
  if (show) for (const option of card.options_html) options.append(h("li", {}, safeFragment(option)));
}

/** The deck's note for whoever leads the table, on the host's phone only. */
export function renderHostNote(card, host) {
  const note = $("host-note");
  note.hidden = !(host && card.facilitator);
  setHtml($("host-note-text"), card.facilitator_html);
}
