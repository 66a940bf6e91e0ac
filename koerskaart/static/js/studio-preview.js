/* KoersKaart studio: the live preview of the card being edited (templates/studio/_preview.html).

   On every edit of the editor's form (form[data-preview-url]), ~300 ms after the typing stops, the
   whole form is posted (its CSRF token included) to the preview URL, which answers with the phone,
   the table screen and the print card as server-rendered HTML, and the card's problems
   (koerskaart/studio/preview.py). One request at a time: an answer that arrives after the form
   changed again is dropped, and the newer form is sent. The HTML goes in only through
   lib/safe-html.js (previewFragment); problems and status with textContent.

   The devices keep their real size (a 360 px phone, a 1280 x 720 screen, an A6 card) and are scaled
   down to fit with a CSS transform (CSSOM, which the Content-Security-Policy allows); the table screen
   shrinks its type to fit as views/screen-fit.js does on a projector. */

import { fmt } from "./lib/format.js";
import { previewFragment } from "./lib/safe-html.js";

const DEBOUNCE_MS = 300;
const SCREEN_TEXT_PX = 20.16; // the screen's body text at 1280 x 720: clamp(1rem, min(1.6vw, 2.8vh), 2.25rem)
const MIN_TEXT_PX = 16; // screen-fit.js never shrinks below this
const FIT_STEPS = 6;

/** The largest type at which the screen's card fits its 720 px, never below 16 px (as screen-fit.js). */
function fitScreen(device) {
  const fits = () => device.scrollHeight <= device.clientHeight + 1;
  const setFit = (value) => device.style.setProperty("--fit", String(value));
  setFit(1);
  if (fits()) return;
  const floor = MIN_TEXT_PX / SCREEN_TEXT_PX;
  let [low, high] = [floor, 1];
  for (let i = 0; i < FIT_STEPS; i++) {
    const mid = (low + high) / 2;
    setFit(mid);
    if (fits()) low = mid;
    else high = mid;
  }
  setFit(low);
}

/** Scale each device down to its box's width (never up); the box takes the scaled height. */
function scale(root) {
  for (const box of root.querySelectorAll(".kk-preview__scaler")) {
    const device = box.querySelector(".kk-preview__device");
    if (!device || box.closest("[hidden]")) continue;
    const width = Number(box.dataset.previewWidth);
    const factor = Math.min(1, box.clientWidth / width);
    device.style.transform = factor < 1 ? `scale(${factor})` : "";
    const height = Number(box.dataset.previewHeight) || device.offsetHeight;
    box.style.height = `${Math.ceil(height * factor)}px`;
  }
}

function setup(root) {
  const form = document.querySelector("form[data-preview-url]") || root.closest("form");
  const url = (form && form.dataset.previewUrl) || root.dataset.previewUrl;
  if (!form || !url) return;
  const region = (name) => root.querySelector(`[data-preview-region="${name}"]`);
  const regions = { phone: region("phone"), screen: region("screen"), print: region("print") };
  const status = root.querySelector("[data-preview-status]");
  const problemsBox = root.querySelector("[data-preview-problems]");
  const problemList = problemsBox.querySelector("ul");
  const mixed = root.querySelector("[data-preview-mixed]");
  const mixedNone = root.querySelector("[data-preview-mixed-none]");
  const msg = root.dataset;

  let timer = null;
  let inFlight = false;
  let changed = false; // the form changed while a request was out: its answer is stale

  const language = () => {
    const chosen = root.querySelector("input[data-preview-lang]:checked");
    return chosen ? chosen.value : "nl";
  };

  function say(text) {
    if (status.textContent !== text) status.textContent = text; // the same words twice: said once
  }

  function showVariant() {
    const wanted = mixed.checked && !mixed.disabled ? "mixed" : "team";
    for (const el of root.querySelectorAll("[data-variant]")) el.hidden = el.dataset.variant !== wanted;
    for (const device of root.querySelectorAll(".kk-preview__device--screen")) fitScreen(device);
    scale(root);
  }

  function showProblems(problems) {
    problemList.replaceChildren();
    for (const problem of problems) {
      const item = document.createElement("li");
      const target = problem.field ? document.getElementById(problem.field) : null;
      const name = document.createElement(target ? "a" : "code");
      name.textContent = problem.field || "—";
      if (target) name.href = `#${problem.field}`;
      item.append(name, " ", problem.message);
      problemList.append(item);
    }
    problemsBox.hidden = problems.length === 0;
  }

  function render(answer) {
    for (const [name, el] of Object.entries(regions)) el.replaceChildren(previewFragment(answer[name]));
    const hasMixed = regions.phone.querySelector('[data-variant="mixed"]') !== null;
    mixed.disabled = !hasMixed;
    mixedNone.hidden = hasMixed;
    showVariant();
    const problems = Array.isArray(answer.problems) ? answer.problems : [];
    showProblems(problems);
    say(problems.length ? fmt(problems.length === 1 ? msg.msgProblem : msg.msgProblems, { num: problems.length }) : msg.msgUpdated);
  }

  async function send() {
    if (inFlight) {
      changed = true;
      return;
    }
    inFlight = true;
    changed = false;
    const data = new FormData(form);
    data.set("preview_language", language());
    let answer = null;
    try {
      const response = await fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) answer = await response.json();
    } catch (error) {
      answer = null; // offline or refused: said below, the last preview stays
    }
    inFlight = false;
    if (changed) {
      send(); // stale: the form changed meanwhile, so this answer is dropped and the newer form sent
      return;
    }
    if (answer) {
      root.classList.remove("is-failed");
      render(answer);
    } else {
      root.classList.add("is-failed");
      say(msg.msgFailed);
    }
  }

  function schedule(event) {
    if (event && event.target === mixed) return; // only which wording shows: no new preview needed
    window.clearTimeout(timer);
    timer = window.setTimeout(send, DEBOUNCE_MS);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  if (!form.contains(root)) root.addEventListener("change", schedule); // the language switch
  mixed.addEventListener("change", showVariant);
  let width = root.clientWidth;
  new ResizeObserver(() => {
    if (root.clientWidth === width) return; // only a new width rescales; the scaling itself changes heights
    width = root.clientWidth;
    window.requestAnimationFrame(() => scale(root));
  }).observe(root);
  send();
}

for (const root of document.querySelectorAll(".kk-preview")) setup(root);
