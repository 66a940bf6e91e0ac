// The studio pages' accessibility audit (tests/browser/test_studio_pages_in_chromium.py): what axe-core
// would check first, run in the page; returns a list of problems, empty when the page passes.
(() => {
  const problems = [];
  const named = (el) => (el.getAttribute("aria-label") || "").trim() ||
    (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean)
      .map((id) => (document.getElementById(id) || {}).textContent || "").join("").trim();
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const preview = (el) => el.closest("[data-preview-region]");  // a static copy of the play page
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (!(el.labels && el.labels.length) && !named(el) && !preview(el)) problems.push("no label: " + el.outerHTML.slice(0, 100));
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (!el.textContent.trim() && !named(el)) problems.push("no name: " + el.outerHTML.slice(0, 100));
  }
  for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
    for (const attr of ["aria-describedby", "aria-labelledby"]) {
      for (const id of (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problems.push(`${attr} names a missing #${id}`);
      }
    }
  }
  for (const list of document.querySelectorAll(".field-errors[id]")) {  // an error its field announces
    if (!document.querySelector(`[aria-describedby~="${list.id}"]`)) problems.push("error not referenced: #" + list.id);
  }
  const counts = {};
  for (const el of document.querySelectorAll("[id]")) counts[el.id] = (counts[el.id] || 0) + 1;
  for (const [id, n] of Object.entries(counts)) if (n > 1) problems.push("duplicate id: " + id);
  const heads = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter((h) => !preview(h) && !h.closest("[hidden]"));
  const levels = heads.map((h) => +h.tagName[1]);
  if (levels.filter((level) => level === 1).length !== 1) problems.push("not one h1: " + levels);
  levels.forEach((level, i) => {
    if (i && level > levels[i - 1] + 1) problems.push(`h${levels[i - 1]} then h${level}: ${heads[i].textContent.trim().slice(0, 40)}`);
  });
  for (const el of document.body.querySelectorAll("p, h1, h2, h3, a, button, input, select, textarea")) {
    if (!el.closest("main, header, footer, nav, .skip-link")) problems.push("outside the landmarks: " + el.outerHTML.slice(0, 60));
  }
  // WCAG 1.4.3: text against the first opaque background behind it.
  const rgba = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const behind = (el) => { for (let e = el; e; e = e.parentElement) { const s = getComputedStyle(e); if (s.backgroundImage !== "none") return null; const c = rgba(s.backgroundColor); if (c && c[3] > 0.9) return c; } return [255, 255, 255, 1]; };
  const reported = new Set();
  for (const el of document.body.querySelectorAll("*")) {
    if (preview(el) || el.closest(".visually-hidden, [disabled], [aria-disabled=true]")) continue;
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) || !shown(el)) continue;
    const s = getComputedStyle(el); const fg = rgba(s.color); const bg = behind(el);
    if (!fg || !bg) continue;
    const mixed = [0, 1, 2].map((i) => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
    const [a, b] = [lum(mixed), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(s.fontSize);
    const need = size >= 24 || (+s.fontWeight >= 700 && size >= 18.66) ? 3 : 4.5;
    const what = el.tagName + " «" + el.textContent.trim().slice(0, 30) + "»";
    if (ratio < need && !reported.has(what)) { reported.add(what); problems.push(`contrast ${ratio.toFixed(2)}: ${what}`); }
  }
  // WCAG 2.5.8: a control (with its label, which also takes the tap) is at least 24 x 24 px.
  for (const el of document.querySelectorAll("button, input:not([type=hidden]), select, summary, a.btn")) {
    if (!shown(el) || preview(el)) continue;
    const box = (el.closest("label") || el).getBoundingClientRect();
    const label = el.labels && el.labels[0] ? el.labels[0].getBoundingClientRect() : box;
    const [w, h] = [Math.max(box.width, label.width), Math.max(box.height, label.height)];
    if (w < 24 || h < 24) problems.push(`target ${Math.round(w)}x${Math.round(h)}: ${el.outerHTML.slice(0, 80)}`);
  }
  // One primary action in view (a closed <details> hides its forms' buttons).
  const primaries = [...document.querySelectorAll("main .btn--primary")].filter((b) => shown(b) && !preview(b));
  if (primaries.length > 1) problems.push("primary actions: " + primaries.map((b) => b.textContent.trim()).join(" | "));
  return problems;
})
