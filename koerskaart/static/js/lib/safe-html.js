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
   Nothing else in the scripts inserts HTML; all other text goes in with textContent (dom.js h()). */

const TAGS = new Set(["P", "UL", "OL", "LI", "EM", "STRONG", "A", "CODE", "BR", "H3", "H4", "BLOCKQUOTE"]);
const SCHEMES = /^(https?:|mailto:)/i;

function rebuild(source, into) {
  for (const node of source.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      into.append(document.createTextNode(node.textContent));
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      if (!TAGS.has(node.tagName)) {
        rebuild(node, into); // an unknown element keeps only its text
        continue;
      }
      const el = document.createElement(node.tagName.toLowerCase());
      if (node.tagName === "A") {
        const href = node.getAttribute("href") || "";
        if (SCHEMES.test(href.trim())) el.setAttribute("href", href);
        el.setAttribute("target", "_blank");
        el.setAttribute("rel", "noopener noreferrer");
      }
      rebuild(node, el);
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
  return rebuild(inert.body, fragment);
}

/** Replace the content of `el` with the card field's HTML; returns `el`. */
export function setHtml(el, html) {
  el.replaceChildren(safeFragment(html));
  return el;
}
