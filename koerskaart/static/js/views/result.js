/* KoersKaart: a round's outcome, on the phone, the table screen and in the end recap:
   the result bars (with bands on sensitive cards), the open texts, or "too few",
   "skipped", "discussed", "not played". */

import { $, clear, h } from "../lib/dom.js";
import { safeFragment } from "../lib/safe-html.js";
import { fmt } from "../lib/format.js";
import { answerChoices, showsOutcome, threshold } from "../lib/cards.js";

/** The share of the bar for a band on a sensitive card, or a plain count. */
function bar(count, n, k, strings) {
  if (count === "few") return { text: strings.few, share: n ? Math.min(k / 2, n) / n : 0, approx: true };
  if (count === "some") return { text: strings.some, share: 0.5, approx: true };
  if (count === "almost_all") {
    return { text: strings.almost_all, share: n ? Math.max(n - (k - 1) / 2, 0) / n : 0, approx: true };
  }
  return { text: String(count), share: n ? count / n : 0, approx: false };
}

function renderTexts(result, opts) {
  const { strings } = opts;
  const wrap = h("div", { class: "result__content" });
  const texts = result.texts || [];
  if (!texts.length) {
    wrap.append(h("p", { class: "result__n", text: fmt(strings.texts_not_kept, { n: result.n }) }));
    return wrap;
  }
  wrap.append(h("p", { class: "result__n", text: fmt(strings.based_on, { n: result.n }) }));
  wrap.append(h("h3", { class: "visually-hidden", text: strings.open_answers }));
  const list = h("ul", { class: "texts", "data-testid": opts.testids ? "result-texts" : null });
  for (const text of texts) list.append(h("li", { text }));
  wrap.append(list);
  return wrap;
}

/**
 * The revealed result of one card as an element.
 * opts: {strings, scaleLabels, k, testids (bool: add result-count-<i>)}
 *
 * Bars: one list item per answer value, its label, the count as text beside it and a
 * bar whose length is the share of respondents. Screen readers read "Agree 3".
 */
export function renderResult(card, result, opts) {
  const { strings, scaleLabels } = opts;
  if (!result) return h("div", { class: "result__content" });
  if (card.type === "open") return renderTexts(result, opts);

  const wrap = h("div", { class: "result__content" });
  const choices = answerChoices(card, scaleLabels);
  const counts = result.counts || [];
  const n = result.n || 0;
  const k = opts.k || 3;
  let approx = false;
  const numeric = counts.map((c) => (typeof c === "number" ? c : -1));
  const top = Math.max(...numeric, 0);
  const uniqueTop = top > 0 && numeric.filter((c) => c === top).length === 1;

  wrap.append(h("p", { class: "result__n", text: fmt(strings.based_on, { n }) }));
  const list = h("ul", { class: `chart chart--${card.type === "choice" ? "choice" : "scale"}` });
  counts.forEach((count, i) => {
    const label = choices[i] ? choices[i].label : String(i + 1);
    const { text, share, approx: isApprox } = bar(count, n, k, strings);
    approx = approx || isApprox;
    const fill = h("span", { class: "bar__fill" + (isApprox ? " is-approx" : "") });
    const item = h(
      "li",
      { class: "bar" + (isApprox ? " is-band" : "") + (uniqueTop && count === top ? " is-top" : "") },
      choices[i] && choices[i].html
        ? h("span", { class: "bar__label" }, safeFragment(choices[i].html))
        : h("span", { class: "bar__label", text: label }),
      h("span", { class: "visually-hidden", text: ": " }),
      h("span", {
        class: "bar__value",
        text,
        "data-testid": opts.testids ? `result-count-${i}` : null,
        "data-value": choices[i] ? choices[i].value : i,
      }),
      h("span", { class: "bar__track", "aria-hidden": "true" }, fill)
    );
    list.append(item);
    // grow after insertion so the width transition runs (disabled under reduced motion)
    const width = `${Math.round(Math.max(0, Math.min(1, share)) * 1000) / 10}%`;
    window.requestAnimationFrame(() => window.requestAnimationFrame(() => (fill.style.width = width)));
  });
  wrap.append(list);
  if (approx || card.sensitive) {
    wrap.append(h("p", { class: "sensitive-note", text: strings.sensitive_note }));
  }
  return wrap;
}

/** The body of a round outcome: result, too few, skipped, discussed or not played. */
export function renderOutcome(card, status, result, table, opts) {
  const { strings } = opts;
  if (status === "revealed" && result) {
    return renderResult(card, result, Object.assign({ k: table.k }, opts));
  }
  if (status === "too_few") {
    return h("p", { class: "recap__status", text: fmt(strings.too_few, { k: threshold(card, table) }) });
  }
  if (status === "skipped") return h("p", { class: "recap__status", text: strings.skipped });
  if (status === "discussed") return h("p", { class: "recap__status", text: strings.discussed });
  return h("p", { class: "recap__status", text: strings.not_played });
}

/** The page's result section (#result, #result-body) for the current card's round. */
export function renderResultSection(card, round, status, table, opts) {
  const section = $("result");
  const body = clear($("result-body"));
  const show = showsOutcome(card, status);
  section.hidden = !show;
  if (!show) return;
  const result = round ? round.result : null;
  body.append(
    status === "revealed" && result
      ? renderResult(card, result, { ...opts, k: table.k, testids: true })
      : renderOutcome(card, status, result, table, opts)
  );
}
