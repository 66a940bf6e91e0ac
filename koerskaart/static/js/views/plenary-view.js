/* KoersKaart: the views of the event's big screen (conference/screen.html): the join code, the
   calm wait for enough tables, and a card's result across the room. The bars are the table
   screen's (views/result.js), so sensitive cards show bands in words, never counts. */

import { $, clear, h } from "../lib/dom.js";
import { setHtml } from "../lib/safe-html.js";
import { groupsToShow, peopleAtTables, spreadSentence } from "../lib/plenary.js";
import { shortUrl } from "./lobby.js";
import { renderResult } from "./result.js";

/** The join view: the code, the address and the QR (an SVG string made by the server). */
export function renderJoin(event, showQr) {
  $("join-name").textContent = event.name;
  const join = event.join;
  $("join-steps").hidden = !join;
  if (!join) return;
  $("join-code").textContent = join.code;
  $("join-url").textContent = shortUrl(join.url.split("#")[0]);
  showQr(join.qr_svg);
}

/** The prompt of the card on the screen, in the waiting and the result view. */
export function renderPrompt(event, card) {
  document.querySelectorAll(".plenary-name").forEach((el) => (el.textContent = event.name));
  document.querySelectorAll(".plenary-prompt").forEach((el) => setHtml(el, card ? card.prompt_html : ""));
}

/**
 * The release of `card`: how many people at how many tables, the bars (or the open texts), the
 * managers and employees side by side when the release has groups, and how much tables differ.
 * opts: {strings, scaleLabels}
 */
export function renderRelease(card, release, opts) {
  const { strings } = opts;
  const result = release.result;
  $("plenary-count").textContent = peopleAtTables(result, strings);

  const body = clear($("result-body"));
  const whole = card.type === "open" ? { n: result.n, texts: release.texts || [] } : result;
  body.append(renderResult(card, whole, { ...opts, k: 3, testids: true }));

  const groups = groupsToShow(result);
  const box = clear($("plenary-groups"));
  box.hidden = groups.length === 0 || card.type === "open";
  if (!box.hidden) {
    for (const group of groups) {
      box.append(
        h(
          "section",
          { class: "plenary-group", "data-testid": `plenary-group-${group.name}` },
          h("h2", { text: strings["group_" + group.name] }),
          renderResult(card, group, { ...opts, k: 3 })
        )
      );
    }
  }
  // with groups the whole room's bars step back: the comparison is the point
  $("view-result").classList.toggle("has-groups", !box.hidden);

  const spread = spreadSentence(release, strings);
  $("plenary-spread").hidden = !spread;
  $("plenary-spread").textContent = spread || "";
}
