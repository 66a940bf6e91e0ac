/* KoersKaart: the phone's answer form (#answer-area): the five scale points, the choice
   options or a text box, the send button and the note under it. What the answer is
   (sent, pending, in flight) lives in lib/client-state.js; this only shows it. */

import { $, clear, h, isAvailable, setAvailable } from "../lib/dom.js";
import { safeFragment } from "../lib/safe-html.js";
import { fmt } from "../lib/format.js";
import { answerChoices } from "../lib/cards.js";
import { answerNote, sendButton, shownValue } from "../lib/client-state.js";

/** The value now chosen in the form: a scale/option number, trimmed text, or undefined. */
export function selectedValue() {
  const text = $("answer-text");
  if (text) {
    const value = text.value.trim();
    return value ? value : undefined;
  }
  const checked = document.querySelector('#answer-form input[name="answer"]:checked');
  return checked ? parseInt(checked.value, 10) : undefined;
}

/** The note under the send button; kind "ok", "warn" or "". */
export function setFeedback(text, kind) {
  const el = $("answer-feedback");
  if (!el) return;
  el.textContent = text;
  el.className = "answer-feedback" + (kind ? ` is-${kind}` : "");
}

/** The note that goes with an outcome of lib/client-state.js ("sent", "pending"). */
export function showNote(note, strings) {
  if (note === "sent") setFeedback(strings.answer_sent, "ok");
  else if (note === "pending") setFeedback(strings.answer_pending, "warn");
}

/** Bring the form in line with the state: disabled while paused, the sent option marked, the button. */
export function updateAnswerForm(state, strings) {
  const form = $("answer-form");
  if (!form || !state.table) return;
  const paused = state.table.paused;
  const sent = state.answer.sent;
  form.querySelectorAll("input, textarea").forEach((el) => (el.disabled = paused));
  form.querySelectorAll(".option").forEach((option) => {
    option.classList.toggle("is-sent", sent !== undefined && String(sent) === option.dataset.value);
  });
  const button = $("send-answer");
  const { label, disabled } = sendButton(state, selectedValue());
  button.textContent = strings[label];
  // aria-disabled, not disabled: a disabled button drops the keyboard focus to <body> while sending
  setAvailable(button, !disabled);
}

function textField(card, restore, strings, onInput) {
  const max = card.max_length || 280;
  const textarea = h("textarea", {
    class: "input",
    id: "answer-text",
    name: "answer",
    rows: 4,
    maxlength: max,
    "data-testid": "answer-text",
    "aria-describedby": "answer-hint answer-count",
  });
  const counter = h("p", { class: "char-count", id: "answer-count" });
  textarea.addEventListener("input", () => {
    const len = textarea.value.length;
    counter.textContent = fmt(strings.characters, { count: len, max });
    counter.classList.toggle("is-near", len > max * 0.9);
    onInput();
  });
  if (typeof restore === "string") textarea.value = restore;
  counter.textContent = fmt(strings.characters, { count: textarea.value.length, max });
  return h(
    "div",
    { class: "field" },
    h("label", { class: "label", for: "answer-text", text: strings.your_answer }),
    h("p", { class: "hint", id: "answer-hint", text: strings.open_hint }),
    textarea,
    counter
  );
}

function options(card, cardIndex, restore, scaleLabels, onChange) {
  const fieldset = h(
    "fieldset",
    { class: "options", id: "answer-options" },
    h("legend", { class: "visually-hidden", text: card.prompt })
  );
  for (const choice of answerChoices(card, scaleLabels)) {
    const id = `answer-${cardIndex}-${choice.value}`;
    const input = h("input", {
      type: "radio",
      name: "answer",
      id,
      value: String(choice.value),
      "data-testid": `answer-option-${choice.value}`,
      checked: restore === choice.value,
    });
    input.addEventListener("change", onChange);
    fieldset.append(
      h(
        "div",
        { class: "option", "data-value": choice.value },
        input,
        h(
          "label",
          { for: id, class: "option__face" },
          h("span", { class: "option__mark", "aria-hidden": "true" }),
          choice.html
            ? h("span", { class: "option__text" }, safeFragment(choice.html))
            : h("span", { class: "option__text", text: choice.label })
        )
      )
    );
  }
  return fieldset;
}

/**
 * Build the form for an answerable card with an open round (else empty the area).
 * onEdit(): the chosen value changed; onSubmit(value): Send pressed (value may be undefined).
 */
export function buildAnswerForm(card, status, state, { strings, scaleLabels, onEdit, onSubmit }) {
  const area = clear($("answer-area"));
  if (card.type === "action" || status !== "open") return;
  const restore = shownValue(state.answer);
  const form = h("form", { class: "answer-form", id: "answer-form", novalidate: true });
  if (card.type === "open") {
    form.append(textField(card, restore, strings, onEdit));
  } else {
    const changed = () => {
      setFeedback("", "");
      onEdit();
    };
    form.append(options(card, state.table.card_index, restore, scaleLabels, changed));
  }
  form.append(
    h("button", {
      type: "submit",
      class: "btn btn--primary btn--block btn--large",
      id: "send-answer",
      "data-testid": "send-answer",
      text: strings.send,
    }),
    h("p", { class: "answer-feedback", id: "answer-feedback", role: "status" })
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (isAvailable($("send-answer"))) onSubmit(selectedValue());
  });
  area.append(form);
  showNote(answerNote(state.answer), strings);
}
