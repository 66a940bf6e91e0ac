/* KoersKaart: the one place where card text arrives as HTML (the `*_html` fields of the page
   data: prompt, body, options, follow-up questions, the facilitator note).

   Why this is safe:
   1. The server renders that HTML from the deck's little Markdown with raw HTML switched off and
      cleans it with nh3 to a short allow-list (koerskaart/markdown.py): em, strong, code, a with
      an http(s) or mailto href, and in longer fields p, lists, h3/h4, br, blockquote.
   2. Here it is parsed by DOMParser into an inert document (no scripts run, nothing loads there)
      and rebuilt node by node into this page: only the tags below, only an <a>'s href when its
      scheme is http(s) or mailto; every other element gives up its text and children, nothing else.
   3. The Content-Security-Policy (koerskaart/headers.py) has no 'unsafe-inline': an inline
      handler or a javascript: URL would not run even if 1 and 2 had missed it.
   Nothing else in the scripts inserts HTML; all other text goes in with textContent (dom.js h()).

   previewFragment() is the same rebuild for the studio's card preview (koerskaart/studio/preview.py):
   whole server-rendered replicas of the phone, the table screen and the print card, so a longer list of
   layout tags and a few inert attributes (class, lang, hidden, aria-*, disabled, ...), never an event
   handler, a style, a src or an id; headings lose their heading role (the preview is a picture inside
   the editor's page, whose outline stays the editor's). */

const TAGS = new Set(["P", "UL", "OL", "LI", "EM", "STRONG", "A", "CODE", "BR", "H3", "H4", "BLOCKQUOTE"]);
const SCHEMES = /^(https?:|mailto:)/i;

const CARD_TEXT = { tags: TAGS, attributes: null, dropped: new Set() };

const PREVIEW_TAGS = new Set([
  ...TAGS,
  "DIV", "SECTION", "ARTICLE", "SPAN", "FIGURE", "FIGCAPTION", "H1", "H2",
  "DETAILS", "SUMMARY", "FIELDSET", "LEGEND", "INPUT", "TEXTAREA",
]);
// attribute -> the values it may have (a RegExp over the whole value); anything else is dropped
const PREVIEW_ATTRIBUTES = {
  class: /^[A-Za-z0-9_\- ]*$/,
  lang: /^(nl|en)$/,
  hidden: /^$/,
  open: /^$/,
  disabled: /^$/,
  rows: /^\d{1,2}$/,
  "aria-hidden": /^true$/,
  "aria-label": /^[^<>]*$/,
  "data-variant": /^[a-z]+$/,
  "data-testid": /^[a-z0-9-]+$/,
  "data-preview-width": /^\d{1,4}$/,
  "data-preview-height": /^\d{1,4}$/,
};
const PREVIEW = {
  tags: PREVIEW_TAGS,
  attributes: PREVIEW_ATTRIBUTES,
  dropped: new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "IFRAME", "OBJECT", "EMBED", "SVG", "MATH"]),
};
const HEADING = /^H[1-6]$/;

function rebuild(source, into, policy) {
  for (const node of source.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      into.append(document.createTextNode(node.textContent));
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      if (policy.dropped.has(node.tagName.toUpperCase())) continue;
      if (!policy.tags.has(node.tagName)) {
        rebuild(node, into, policy); // an unknown element keeps only its text
        continue;
      }
      const el = document.createElement(node.tagName.toLowerCase());
      if (node.tagName === "A") {
        const href = node.getAttribute("href") || "";
        if (SCHEMES.test(href.trim())) el.setAttribute("href", href);
        el.setAttribute("target", "_blank");
        el.setAttribute("rel", "noopener noreferrer");
      }
      if (policy.attributes) {
        for (const { name, value } of node.attributes) {
          const allowed = policy.attributes[name];
          if (allowed && allowed.test(value)) el.setAttribute(name, value);
        }
        if (node.tagName === "INPUT") el.setAttribute("type", "radio"); // the only input a preview shows
        if (HEADING.test(node.tagName)) el.setAttribute("role", "none");
      }
      rebuild(node, el, policy);
      into.append(el);
    } // comments and the rest: dropped
  }
  return into;
}

/** The sanitised HTML of a card field as a DocumentFragment (empty for null or ""). */
export function safeFragment(html) {
  const fragment = document.createDocumentFragment();
  if (!html) return fragment;
  const inert = new DOMParser().parseFromString(html, "text/html");
  return rebuild(inert.body, fragment, CARD_TEXT);
}

/** The studio's server-rendered card preview as a DocumentFragment (see previewFragment above). */
export function previewFragment(html) {
  const fragment = document.createDocumentFragment();
  if (!html) return fragment;
  const inert = new DOMParser().parseFromString(html, "text/html");
  return rebuild(inert.body, fragment, PREVIEW);
}

/** Replace the content of `el` with the card field's HTML; returns `el`. */
export function setHtml(el, html) {
  el.replaceChildren(safeFragment(html));
  return el;
}
