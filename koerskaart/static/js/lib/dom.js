/* KoersKaart: small DOM helpers shared by the page scripts (table.js, screen.js).
   Plain ES2020, no framework. User text is only ever set with textContent: h() never
   parses HTML. */

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** The page data that the template embeds as JSON in <script id="kk-data">. */
export function readData() {
  return JSON.parse($("kk-data").textContent);
}

/** Build an element: h("li", {class: "x", text: "..."}, child, ...). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") el.textContent = value;
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Remove every child; returns the element. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Show exactly one of the page's top-level views (section.view#view-<name>). */
export function showView(name) {
  document.querySelectorAll(".view").forEach((view) => {
    view.hidden = view.id !== "view-" + name;
  });
}

/** Say something to screen-reader users through the page's polite live region. */
export function announce(text) {
  const region = $("announcer");
  if (!region || !text) return;
  region.textContent = "";
  // a fresh text node after a tick, so the same message twice is still announced
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

/** If focus sits on something that vanished, move it to a sensible heading. */
export function keepFocus(target) {
  const active = document.activeElement;
  const lost = !active || active === document.body || !active.isConnected || active.closest("[hidden]") !== null;
  if (lost && target) target.focus({ preventScroll: true });
}

/** aria-disabled keeps a button focusable, so its explanation can still be read. */
export function setAvailable(btn, available) {
  btn.setAttribute("aria-disabled", available ? "false" : "true");
}

/** Not aria-disabled and not disabled. */
export function isAvailable(btn) {
  return btn.getAttribute("aria-disabled") !== "true" && !btn.disabled;
}

/** Keep the URL fragment (the screen key, a join code) when switching language. */
export function keepHashOnLinks() {
  if (!location.hash) return;
  document.querySelectorAll("a[data-keep-hash]").forEach((a) => {
    a.href = a.href.split("#")[0] + location.hash;
  });
}
