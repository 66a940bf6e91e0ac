/* KoersKaart: the table screen fits its window, because nobody scrolls a projector. First the
   type shrinks (the --fit factor on <body>, never below 16 px body text); the lists that still do
   not fit (open answers, actions, the end's actions and recap) are then shown a page at a time.
   The pages turn by themselves; whoever sits at the laptop can stop them or turn them by hand,
   and they stand still while the pointer or the focus is on the page controls (WCAG 2.2.2). */

import { $ } from "../lib/dom.js";
import { fmt } from "../lib/format.js";

const MIN_TEXT_PX = 16;
const TURN_MS = 15000;
const STEPS = 6; // binary search steps for --fit: within 1/64 of the largest size that fits
const PAGEABLE = ["#result-body .texts", "#action-list", "#end-actions", "#recap"];

function fits() {
  const page = document.scrollingElement || document.documentElement;
  return page.scrollHeight <= window.innerHeight && page.scrollWidth <= window.innerWidth;
}

function setFit(value) {
  document.body.style.setProperty("--fit", String(value));
}

/** The largest type (--fit between the floor and 1) at which the page fits; false if even the floor does not. */
function fitType() {
  setFit(1);
  if (fits()) return true;
  const floor = Math.min(1, MIN_TEXT_PX / parseFloat(getComputedStyle(document.body).fontSize));
  setFit(floor);
  if (!fits()) return false;
  let [low, high] = [floor, 1];
  for (let i = 0; i < STEPS; i++) {
    const mid = (low + high) / 2;
    setFit(mid);
    if (fits()) low = mid;
    else high = mid;
  }
  setFit(low);
  return true;
}

/**
 * Split a list's items into pages that end above the window's bottom edge, keeping the room its
 * section needs below it. Items of one grid row stretch to one height, so a row never splits.
 * An item taller than a page on its own is cut off at the edge (.is-cut) rather than scrolled.
 */
function paginate(list) {
  const items = Array.from(list.children);
  const section = list.closest("section") || list.parentElement;
  const main = $("main");
  const below = section.getBoundingClientRect().bottom - list.getBoundingClientRect().bottom;
  const limit = window.innerHeight - below - parseFloat(getComputedStyle(main).paddingBottom);
  const pages = [];
  let rest = items;
  while (rest.length) {
    const page = [];
    for (const item of rest) {
      if (page.length && item.getBoundingClientRect().bottom > limit) break;
      page.push(item);
    }
    const [first] = page;
    if (page.length === 1 && first.getBoundingClientRect().bottom > limit) {
      first.style.maxHeight = `${Math.max(0, limit - first.getBoundingClientRect().top)}px`;
      first.classList.add("is-cut");
    }
    pages.push(page);
    page.forEach((item) => (item.hidden = true)); // the rest moves up for the next page
    rest = rest.slice(page.length);
  }
  items.forEach((item) => (item.hidden = false));
  return pages;
}

export class ScreenFit {
  constructor(strings) {
    this.strings = strings;
    this.paged = []; // [{list, pages: [[item, …], …]}]
    this.count = 1;
    this.page = 0;
    this.paused = false;
    this.holding = new Set(); // "pointer", "focus": someone is at the controls
    this.handle = null;
    const controls = $("pager");
    $("pager-prev").addEventListener("click", () => this.show(this.page - 1));
    $("pager-next").addEventListener("click", () => this.show(this.page + 1));
    $("pager-pause").addEventListener("click", () => this.setPaused(!this.paused));
    controls.addEventListener("pointerenter", () => this.holding.add("pointer"));
    controls.addEventListener("pointerleave", () => this.holding.delete("pointer"));
    controls.addEventListener("focusin", () => this.holding.add("focus"));
    controls.addEventListener("focusout", (event) => {
      if (!controls.contains(event.relatedTarget)) this.holding.delete("focus");
    });
  }

  /** Fit the page again after its content (or the window) changed; fresh content starts at page 1. */
  update({ fresh } = { fresh: true }) {
    const keep = fresh ? 0 : this.page;
    this.reset();
    window.scrollTo(0, 0);
    if (fitType()) return;
    document.body.classList.add("has-pages"); // room for the page controls
    $("pager").hidden = false;
    const lists = PAGEABLE.map((selector) => document.querySelector(selector)).filter(
      (list) => list && list.getClientRects().length && list.children.length > 1
    );
    this.paged = lists.map((list) => ({ list, pages: paginate(list) })).filter((p) => p.pages.length > 1);
    this.count = Math.max(1, ...this.paged.map((p) => p.pages.length));
    if (this.count === 1) {
      this.reset();
      return;
    }
    $("pager").dataset.pages = String(this.count);
    this.show(keep);
    if (this.handle === null) this.handle = window.setInterval(() => this.tick(), TURN_MS);
  }

  reset() {
    for (const { list } of this.paged) {
      for (const item of Array.from(list.children)) {
        item.hidden = false;
        item.style.maxHeight = "";
        item.classList.remove("is-cut");
      }
    }
    this.paged = [];
    this.count = 1;
    document.body.classList.remove("has-pages");
    $("pager").hidden = true;
    if (this.handle !== null) {
      window.clearInterval(this.handle);
      this.handle = null;
    }
  }

  tick() {
    if (!this.paused && this.holding.size === 0) this.show(this.page + 1);
  }

  show(page) {
    this.page = ((page % this.count) + this.count) % this.count;
    for (const { list, pages } of this.paged) {
      const shown = new Set(pages[this.page % pages.length]);
      Array.from(list.children).forEach((item) => (item.hidden = !shown.has(item)));
    }
    $("pager-status").textContent = fmt(this.strings.page_of, { n: this.page + 1, total: this.count });
  }

  setPaused(paused) {
    this.paused = paused;
    const button = $("pager-pause");
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    button.querySelector("[aria-hidden]").textContent = paused ? "▶" : "❚❚";
  }
}
