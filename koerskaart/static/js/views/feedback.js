/* KoersKaart: card feedback on the phone (docs/socket-protocol.md, "Card feedback").
   After a card's reveal the card shows "What did you think of this card?"; at the end a
   list offers every card the table reached. One verdict per card: once sent, the card
   says thanks and is not offered again (table_joined.you.feedback_cards after a reload).
   Each card's control is built once and kept, so a re-render never loses a typed comment. */

import { $, announce, h } from "../lib/dom.js";
import { safeFragment } from "../lib/safe-html.js";

export const VERDICTS = ["unclear", "strong", "not_relevant"];
const COMMENT_MAX = 280;

const given = new Set(); // card indexes this phone gave feedback on
const controls = new Map(); // card index -> its control (kept across renders)

/** The card indexes that may take feedback now, in deck order. Pure: tested in tests/js. */
export function offerable(table, done) {
  if (!table) return [];
  const rounds = table.rounds || {};
  const indexes = Object.keys(rounds)
    .map(Number)
    .sort((a, b) => a - b);
  if (table.status === "ended") return indexes.filter((i) => !done.has(i));
  if (table.status !== "playing") return [];
  const i = table.card_index;
  return rounds[String(i)] === "revealed" && !done.has(i) ? [i] : [];
}

/** Show the controls that fit the table now. opts: {strings, send(button, payload, errorEl)} */
export function renderFeedback(state, deck, opts) {
  const table = state.table;
  for (const i of (state.you && state.you.feedback_cards) || []) given.add(i);
  const open = offerable(table, given);
  const playing = table && table.status === "playing";
  // After the conversation questions: the host bar stays a few Tabs after the result.
  const atCard = box("feedback-card", () => $("card-source").after(cardBox(opts.strings)));
  atCard.hidden = !(playing && (open.length || thanked(atCard, table.card_index)));
  if (playing && !atCard.hidden) place(atCard.querySelector(".feedback__cards"), [table.card_index], deck, opts);
  if (table && table.status === "ended") {
    const atEnd = box("feedback-end", () => $("recap").closest("section").after(endBox(opts.strings)));
    atEnd.hidden = false;
    place(atEnd.querySelector(".feedback__cards"), open, deck, opts, true);
    atEnd.querySelector(".feedback__done").hidden = open.length > 0;
  }
}

function thanked(container, cardIndex) {
  const el = controls.get(cardIndex);
  return Boolean(el && given.has(cardIndex) && container.contains(el));
}

function box(id, create) {
  if (!$(id)) create();
  return $(id);
}

function cardBox(S) {
  return h(
    "section",
    { class: "panel feedback", id: "feedback-card", "aria-label": S.feedback_title, "data-testid": "feedback-card" },
    h("div", { class: "feedback__cards" })
  );
}

function endBox(S) {
  return h(
    "section",
    { class: "panel feedback", id: "feedback-end", "aria-labelledby": "feedback-end-title", "data-testid": "feedback-end" },
    h("h2", { id: "feedback-end-title", text: S.feedback_end_title }),
    h("p", { class: "muted", text: S.feedback_end_intro }),
    h("p", { class: "feedback__done", text: S.feedback_all_done, hidden: true }),
    h("div", { class: "feedback__cards" })
  );
}

/** Put these cards' controls into listEl (moving kept ones). At the end, sent ones stay to say thanks. */
function place(listEl, indexes, deck, opts, atEnd = false) {
  const wanted = indexes.map((i) => control(i, deck, opts, atEnd));
  for (const child of [...listEl.children]) {
    const keep = wanted.includes(child) || (atEnd && given.has(Number(child.dataset.cardIndex)));
    if (!keep) child.remove();
  }
  for (const el of wanted) if (el.parentNode !== listEl) listEl.append(el);
}

function control(i, deck, opts, withPrompt) {
  let el = controls.get(i);
  if (!el) {
    el = build(i, deck, opts);
    controls.set(i, el);
  }
  el.querySelector(".feedback__prompt").hidden = !withPrompt;
  return el;
}

function build(i, deck, { strings: S, send }) {
  const card = deck.cards[i];
  const commentId = `feedback-comment-${i}`;
  const errorEl = h("p", { class: "form-error", role: "alert" });
  const comment = h("textarea", {
    class: "input",
    id: commentId,
    rows: 2,
    maxlength: COMMENT_MAX,
    "data-testid": "feedback-comment",
  });
  const buttons = VERDICTS.map((verdict) =>
    h("button", {
      type: "button",
      class: "btn btn--secondary btn--small",
      text: S[`feedback_${verdict}`],
      "data-verdict": verdict,
      "data-testid": `feedback-${verdict}`,
      onclick: async (event) => {
        const payload = { card_index: i, verdict };
        const text = comment.value.trim();
        if (text) payload.comment = text;
        const res = await send(event.currentTarget, payload, errorEl);
        if (res.ok) thank(i, S); // a refusal is already in errorEl
      },
    })
  );
  const group = h(
    "fieldset",
    { class: "feedback__form" },
    h("legend", { text: S.feedback_question }),
    h("div", { class: "button-row" }, buttons),
    h(
      "details",
      {},
      h("summary", { text: S.feedback_add_comment }),
      h("label", { class: "label", for: commentId, text: S.feedback_comment_label }),
      comment
    ),
    errorEl
  );
  return h(
    "div",
    { class: "feedback__item", "data-card-index": i, "data-testid": "feedback-item" },
    h("p", { class: "feedback__prompt" }, safeFragment(card ? card.prompt_html : "")),
    group,
    h("p", { class: "feedback__thanks", text: S.feedback_thanks, hidden: true, tabindex: -1 })
  );
}

function thank(i, S) {
  given.add(i);
  const el = controls.get(i);
  if (!el) return;
  const thanks = el.querySelector(".feedback__thanks");
  el.querySelector(".feedback__form").hidden = true;
  thanks.hidden = false;
  thanks.focus({ preventScroll: true }); // the buttons are gone: keep keyboard focus on the card
  announce(S.feedback_thanks);
}
