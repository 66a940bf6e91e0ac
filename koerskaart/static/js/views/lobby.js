/* KoersKaart: the lobby: the join code, the QR code and the "fewer than k" notice (shared
   by the phone and the table screen), and the phone's lobby with its join box, copy
   button and player list. The people themselves are drawn by people.js. */

import { $, clear } from "../lib/dom.js";
import { fmt } from "../lib/format.js";
import { renderCount, renderPlayers } from "./people.js";

/**
 * The QR code as an inline SVG element. It comes from our own server (segno), but it is
 * parsed as SVG (never as HTML) and stripped of anything active, to be safe anyway.
 */
export function qrElement(svgText) {
  if (!svgText) return null;
  // inline SVG for HTML often has no xmlns; as XML it would then not be SVG at all
  const source = /^\s*<svg\b[^>]*\bxmlns=/.test(svgText)
    ? svgText
    : svgText.replace(/<svg\b/, '<svg xmlns="http://www.w3.org/2000/svg"');
  const doc = new DOMParser().parseFromString(source, "image/svg+xml");
  const svg = doc.documentElement;
  if (!svg || svg.nodeName.toLowerCase() !== "svg" || doc.querySelector("parsererror")) return null;
  svg.querySelectorAll("script, foreignObject, a, image, use").forEach((node) => node.remove());
  svg.querySelectorAll("*").forEach((node) => {
    for (const attr of Array.from(node.attributes)) {
      if (/^on/i.test(attr.name) || /href$/i.test(attr.name)) node.removeAttribute(attr.name);
    }
  });
  if (!svg.getAttribute("viewBox")) {
    const w = parseFloat(svg.getAttribute("width"));
    const hgt = parseFloat(svg.getAttribute("height"));
    if (w && hgt) svg.setAttribute("viewBox", `0 0 ${w} ${hgt}`);
  }
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  return document.importNode(svg, true);
}

/**
 * A QR code box (#join-qr) that is rebuilt only when the code changes.
 * hideWhenMissing: hide the box when the SVG cannot be shown (the phone does).
 */
export function qrBox(el, { hideWhenMissing }) {
  let shown = null;
  return (svgText) => {
    if (shown === svgText) return;
    shown = svgText;
    clear(el);
    const svg = qrElement(svgText);
    if (svg) el.append(svg);
    if (hideWhenMissing) el.hidden = !svg;
  };
}

/** A join URL as people type it: without the scheme. */
export function shortUrl(url) {
  return url.replace(/^https?:\/\//, "");
}

/** #join-code */
export function renderJoinCode(join) {
  $("join-code").textContent = join.code;
}

/** #discussion-only: shown while fewer than k players are seated. */
export function renderDiscussionOnly(table, strings) {
  const notice = $("discussion-only");
  notice.hidden = !table.discussion_only;
  notice.textContent = fmt(strings.discussion_only, { k: table.k });
}

/**
 * The phone's lobby. state: client-state; showQr: a qrBox(); onRemove(seat, name, button)
 * removes a player (offered to the host only).
 */
export function renderPhoneLobby(state, host, strings, { showQr, onRemove }) {
  const { table, join } = state;
  const box = $("joinbox");
  box.hidden = !join;
  if (join) {
    renderJoinCode(join);
    const link = $("join-link");
    link.href = join.url;
    link.textContent = shortUrl(join.url);
    showQr(join.qr_svg);
  }
  renderDiscussionOnly(table, strings);
  renderCount($("lobby-count"), table.seats, strings);
  const youId = state.you ? state.you.seat_id : undefined;
  renderPlayers($("lobby-players"), table.seats, strings, { youId, onRemove: host ? onRemove : null });
  $("lobby-host").hidden = !host;
  $("lobby-wait").hidden = host;
}

/** "Copy the join link"; getJoin() is the latest join info (or null). */
export function bindCopyLink(getJoin, strings) {
  $("copy-link").addEventListener("click", async () => {
    const status = $("copy-status");
    const join = getJoin();
    if (!join) return;
    try {
      await navigator.clipboard.writeText(join.url);
      status.textContent = strings.copied;
    } catch (e) {
      // no clipboard (http, old browser): select the link text for a manual copy
      const range = document.createRange();
      range.selectNodeContents($("join-link"));
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = strings.copy_failed;
    }
    window.setTimeout(() => (status.textContent = ""), 5000);
  });
}
