/* KoersKaart: a revealed result in one short sentence, for the announcement that screen-reader
   users hear at the reveal ("Result revealed: chosen most often: “Agree” (4 of 6)."). It says no
   more than the bars show: on a sensitive card only bands, never a count (anonymity rule 7).
   Pure: no DOM, no window (unit-tested in tests/js). */

import { fmt } from "./format.js";
import { answerChoices } from "./cards.js";

const BANDS = ["almost_all", "some"]; // "few" is never named on its own: see allFew

function quoted(labels, lang) {
  const items = labels.map((label) => `“${label}”`);
  try {
    return new Intl.ListFormat(lang, { type: "conjunction" }).format(items);
  } catch (e) {
    return items.join(", ");
  }
}

function indexesOf(counts, wanted) {
  return counts.map((count, i) => (count === wanted ? i : -1)).filter((i) => i >= 0);
}

/**
 * The announcement for `result` (a round's frozen result) on `card`.
 * strings: the page's strings; lang: the page's language ("nl", "en") for "A and B".
 */
export function revealText(card, result, { strings, scaleLabels, lang }) {
  if (!result) return strings.result_revealed;
  if (card.type === "open") return fmt(strings.reveal_open, { n: result.n });
  const choices = answerChoices(card, scaleLabels);
  const label = (i) => (choices[i] ? choices[i].label : String(i + 1));
  const counts = result.counts || [];
  if (counts.some((count) => typeof count === "string")) {
    for (const band of BANDS) {
      const shown = indexesOf(counts, band);
      if (shown.length) {
        return fmt(strings.reveal_band, { answers: quoted(shown.map(label), lang), band: strings[band] });
      }
    }
    return strings.reveal_all_few;
  }
  const top = Math.max(0, ...counts);
  if (top === 0) return strings.result_revealed;
  const most = indexesOf(counts, top);
  const template = most.length === 1 ? strings.reveal_top : strings.reveal_top_tie;
  return fmt(template, { answers: quoted(most.map(label), lang), count: top, n: result.n });
}
