/* KoersKaart: the end of the game, on the phone and the table screen: the team actions and
   a recap of every card with its frozen result, or what became of it. */

import { $, clear, h } from "../lib/dom.js";
import { safeFragment } from "../lib/safe-html.js";
import { fmt } from "../lib/format.js";
import { renderActions } from "./actions.js";
import { renderOutcome } from "./result.js";

/** The recap list: every card of the deck with its outcome. opts: {strings, scaleLabels} */
export function renderRecap(listEl, deck, table, opts) {
  const { strings } = opts;
  clear(listEl);
  const results = table.results || {};
  const rounds = table.rounds || {};
  deck.cards.forEach((card, i) => {
    const status = rounds[String(i)];
    const item = h("li", { class: "recap__item", "data-card-index": i });
    const meta = [fmt(strings.card_of, { n: i + 1, total: deck.cards.length })];
    if (card.phase_title) meta.unshift(card.phase_title);
    item.append(h("p", { class: "recap__meta", text: meta.join(" · ") }));
    item.append(h("h3", {}, safeFragment(card.prompt_html)));
    if (card.type === "action") {
      const own = (table.actions || []).filter((a) => a.card_index === i);
      if (!status) item.append(h("p", { class: "recap__status", text: strings.not_played }));
      else if (own.length) {
        const ul = h("ul", { class: "action-list" });
        renderActions(ul, own, strings, null);
        item.append(ul);
      } else item.append(h("p", { class: "recap__status", text: strings.discussed }));
    } else {
      const result = results[String(i)] || null;
      item.append(renderOutcome(card, status, result, table, opts));
    }
    listEl.append(item);
  });
}

/** The ended view's content (#end-actions, #recap). */
export function renderEnded(deck, table, opts) {
  renderActions($("end-actions"), table.actions, opts.strings, null);
  renderRecap($("recap"), deck, table, opts);
}
