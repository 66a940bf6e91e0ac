/* KoersKaart: helpers shared by table.js (players, host) and screen.js (table screen).
   Plain ES2020, no framework. User text is only ever set with textContent. */
(function () {
  "use strict";

  const KK = {};

  /** The page data that the template embeds as JSON. */
  KK.readData = function () {
    const node = document.getElementById("kk-data");
    return JSON.parse(node.textContent);
  };

  /** Fill %(name)s placeholders; the strings come translated from the server. */
  KK.fmt = function (template, vars) {
    return String(template || "").replace(/%\((\w+)\)s/g, (match, key) =>
      vars && Object.prototype.hasOwnProperty.call(vars, key) ? String(vars[key]) : match
    );
  };

  /** Build an element: h("li", {class: "x", text: "..."}, child, ...). Never parses HTML. */
  KK.h = function (tag, attrs, ...children) {
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
  };

  KK.clear = function (el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
  };

  KK.show = function (el, visible) {
    if (el) el.hidden = !visible;
  };

  /** Show exactly one of the page's top-level views. */
  KK.showView = function (name) {
    document.querySelectorAll(".view").forEach((view) => {
      view.hidden = view.id !== "view-" + name;
    });
  };

  /** Say something to screen-reader users through the page's polite live region. */
  KK.announce = function (text) {
    const region = document.getElementById("announcer");
    if (!region || !text) return;
    region.textContent = "";
    // a fresh text node after a tick, so the same message twice is still announced
    window.setTimeout(() => {
      region.textContent = text;
    }, 50);
  };

  /** Labels of a card's answer values, in value order, with the value each one sends. */
  KK.answerChoices = function (card, scaleLabels) {
    if (card.type === "statement" || card.type === "frequency") {
      return (scaleLabels[card.type] || []).map((label, i) => ({ value: i + 1, label }));
    }
    if (card.type === "choice") {
      return (card.options || []).map((label, i) => ({ value: i, label }));
    }
    return [];
  };

  /** A seat's name as shown: nickname, else "Player n" (n counts from 1 in join order). */
  KK.seatName = function (seat, index, strings) {
    return seat.nickname || KK.fmt(strings.player_n, { n: index + 1 });
  };

  /**
   * The QR code as an inline SVG element. It comes from our own server (segno), but it is
   * parsed as SVG (never as HTML) and stripped of anything active, to be safe anyway.
   */
  KK.qrElement = function (svgText) {
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
  };

  /** m:ss */
  KK.formatDuration = function (seconds) {
    const s = Math.max(0, Math.ceil(seconds));
    const m = Math.floor(s / 60);
    return `${m}:${String(s % 60).padStart(2, "0")}`;
  };

  /**
   * A soft countdown to table.timer_ends_at, counted on this device's clock but
   * corrected by the server's time at the moment the snapshot arrived.
   */
  KK.Countdown = class {
    constructor(el, strings) {
      this.el = el;
      this.strings = strings;
      this.endsAtLocal = null;
      this.handle = null;
      this.wasUp = false;
    }

    set(timerEndsAt, serverTime) {
      if (timerEndsAt === null || timerEndsAt === undefined) {
        this.endsAtLocal = null;
      } else {
        const remaining = timerEndsAt - (serverTime || Date.now() / 1000);
        this.endsAtLocal = Date.now() + remaining * 1000;
      }
      this.wasUp = false;
      this.tick();
      if (this.endsAtLocal !== null && this.handle === null) {
        this.handle = window.setInterval(() => this.tick(), 1000);
      } else if (this.endsAtLocal === null && this.handle !== null) {
        window.clearInterval(this.handle);
        this.handle = null;
      }
    }

    tick() {
      if (!this.el) return;
      if (this.endsAtLocal === null) {
        this.el.hidden = true;
        return;
      }
      const left = (this.endsAtLocal - Date.now()) / 1000;
      this.el.hidden = false;
      if (left <= 0) {
        this.el.textContent = this.strings.timer_up;
        this.el.classList.add("is-up");
        if (!this.wasUp) {
          this.wasUp = true;
          KK.announce(this.strings.timer_up);
        }
      } else {
        this.el.textContent = KK.fmt(this.strings.timer_left, { time: KK.formatDuration(left) });
        this.el.classList.remove("is-up");
      }
    }
  };

  /** Threshold of a card: open text has its own, higher bar; sensitive cards need k + 1 (as the engine). */
  KK.threshold = function (card, table) {
    if (card && card.type === "open") return table.k_text;
    return card && card.sensitive ? table.k + 1 : table.k;
  };

  /**
   * The revealed result of one card as an element.
   * opts: {strings, scaleLabels, k, testids (bool: add result-count-<i>), compact (bool)}
   *
   * Bars: one list item per answer value, its label, the count as text beside it and a
   * bar whose length is the share of respondents. Screen readers read "Agree 3".
   */
  KK.renderResult = function (card, result, opts) {
    const { strings, scaleLabels } = opts;
    const h = KK.h;
    const wrap = h("div", { class: "result__content" });
    if (!result) return wrap;

    if (card.type === "open") {
      const texts = result.texts || [];
      if (!texts.length) {
        wrap.append(h("p", { class: "result__n", text: KK.fmt(strings.texts_not_kept, { n: result.n }) }));
        return wrap;
      }
      wrap.append(h("p", { class: "result__n", text: KK.fmt(strings.based_on, { n: result.n }) }));
      wrap.append(h("h3", { class: "visually-hidden", text: strings.open_answers }));
      const list = h("ul", { class: "texts", "data-testid": opts.testids ? "result-texts" : null });
      for (const text of texts) list.append(h("li", { text }));
      wrap.append(list);
      return wrap;
    }

    const choices = KK.answerChoices(card, scaleLabels);
    const counts = result.counts || [];
    const n = result.n || 0;
    const k = opts.k || 3;
    let approx = false;
    const numeric = counts.map((c) => (typeof c === "number" ? c : -1));
    const top = Math.max(...numeric, 0);
    const uniqueTop = top > 0 && numeric.filter((c) => c === top).length === 1;

    wrap.append(h("p", { class: "result__n", text: KK.fmt(strings.based_on, { n }) }));
    const list = h("ul", { class: "chart" });
    counts.forEach((count, i) => {
      const label = choices[i] ? choices[i].label : String(i + 1);
      let valueText;
      let share;
      let isApprox = false;
      if (count === "few") {
        valueText = strings.few;
        share = n ? Math.min(k / 2, n) / n : 0;
        isApprox = true;
      } else if (count === "some") {
        valueText = strings.some;
        share = 0.5;
        isApprox = true;
      } else if (count === "almost_all") {
        valueText = strings.almost_all;
        share = n ? Math.max(n - (k - 1) / 2, 0) / n : 0;
        isApprox = true;
      } else {
        valueText = String(count);
        share = n ? count / n : 0;
      }
      approx = approx || isApprox;
      const fill = h("span", { class: "bar__fill" + (isApprox ? " is-approx" : "") });
      const item = h(
        "li",
        { class: "bar" + (uniqueTop && count === top ? " is-top" : "") },
        h("span", { class: "bar__label", text: label }),
        h("span", { class: "visually-hidden", text: ": " }),
        h("span", {
          class: "bar__value",
          text: valueText,
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
  };

  /** The body of a round outcome: result, too few, or skipped. */
  KK.renderOutcome = function (card, status, result, table, opts) {
    const h = KK.h;
    if (status === "revealed" && result) {
      return KK.renderResult(card, result, Object.assign({ k: table.k }, opts));
    }
    if (status === "too_few") {
      return h("p", { class: "recap__status", text: KK.fmt(opts.strings.too_few, { k: KK.threshold(card, table) }) });
    }
    if (status === "skipped") return h("p", { class: "recap__status", text: opts.strings.skipped });
    if (status === "discussed") return h("p", { class: "recap__status", text: opts.strings.discussed });
    return h("p", { class: "recap__status", text: opts.strings.not_played });
  };

  /** Team actions as list items; onRemove (host only) adds a remove button to each. */
  KK.renderActions = function (listEl, actions, strings, onRemove) {
    const h = KK.h;
    KK.clear(listEl);
    if (!actions || !actions.length) {
      listEl.append(h("li", { class: "empty", text: strings.no_actions }));
      return;
    }
    for (const action of actions) {
      const meta = [action.who || strings.action_who_nobody];
      if (action.due) meta.push(KK.fmt(strings.action_due, { due: action.due }));
      const body = h(
        "div",
        {},
        h("span", { class: "action__what", text: action.what }),
        h("span", { class: "action__meta", text: meta.join(" · ") })
      );
      const item = h("li", { class: "action", "data-action-id": action.id }, body);
      if (onRemove) {
        item.append(
          h("button", {
            type: "button",
            class: "btn btn--danger btn--small",
            text: "×",
            "aria-label": KK.fmt(strings.remove_action, { what: action.what }),
            onclick: () => onRemove(action),
          })
        );
      }
      listEl.append(item);
    }
  };

  /** The end recap: every card, with its frozen result or what became of it. */
  KK.renderRecap = function (listEl, deck, table, opts) {
    const h = KK.h;
    KK.clear(listEl);
    const results = table.results || {};
    const rounds = table.rounds || {};
    deck.cards.forEach((card, i) => {
      const status = rounds[String(i)];
      const item = h("li", { class: "recap__item", "data-card-index": i });
      const meta = [KK.fmt(opts.strings.card_of, { n: i + 1, total: deck.cards.length })];
      if (card.phase_title) meta.unshift(card.phase_title);
      item.append(h("p", { class: "recap__meta", text: meta.join(" · ") }));
      item.append(h("h3", { text: card.prompt }));
      if (card.type === "action") {
        const own = (table.actions || []).filter((a) => a.card_index === i);
        if (!status) item.append(h("p", { class: "recap__status", text: opts.strings.not_played }));
        else if (own.length) {
          const ul = h("ul", { class: "action-list" });
          KK.renderActions(ul, own, opts.strings, null);
          item.append(ul);
        } else item.append(h("p", { class: "recap__status", text: opts.strings.discussed }));
      } else {
        const result = results[String(i)] || null;
        item.append(KK.renderOutcome(card, status, result, table, opts));
      }
      listEl.append(item);
    });
  };

  /** Keep the URL fragment (the screen key, a join code) when switching language. */
  KK.keepHashOnLinks = function () {
    if (!location.hash) return;
    document.querySelectorAll("a[data-keep-hash]").forEach((a) => {
      a.href = a.href.split("#")[0] + location.hash;
    });
  };

  window.KK = KK;
})();
