/* KoersKaart: the event's big screen (conference/screen.html), on a projector in the plenary room.
   Listens only, on /conference: the key travels in the URL fragment (#key) and in the socket auth,
   never to the server's logs. Shows the join code while no card is on the screen, else the card
   and, once at least 3 tables revealed it, the room's result (lib/plenary.js decides what). */

import { $, announce, readData, showView } from "./lib/dom.js";
import { fmt } from "./lib/format.js";
import { connect } from "./lib/transport.js";
import { screenMode, shownKey } from "./lib/plenary.js";
import { connectionCallbacks, hide as hideConn } from "./views/connection.js";
import { Countdown } from "./views/countdown.js";
import { qrBox } from "./views/lobby.js";
import { renderJoin, renderPrompt, renderRelease } from "./views/plenary-view.js";
import { ScreenFit } from "./views/screen-fit.js";

const data = readData();
const S = data.strings;
const opts = { strings: S, scaleLabels: data.scale_labels };
const key = decodeURIComponent(location.hash.replace(/^#/, ""));

let event = null;
let plenary = null;
let lastKey = null;
const countdown = new Countdown($("timer"), { timer_left: S.countdown_left, timer_up: S.countdown_up });
const showQr = qrBox($("join-qr"), { hideWhenMissing: false });
const fit = new ScreenFit(S);

bindFullscreen();
let resizing = false;
window.addEventListener("resize", () => {
  if (resizing || !event) return;
  resizing = true;
  window.requestAnimationFrame(() => {
    resizing = false;
    fit.update({ fresh: false });
  });
});

function refused(message) {
  hideConn();
  $("refused-message").textContent = message;
  showView("refused");
}

if (!key) {
  refused(S.missing_key);
} else {
  const transport = connect(
    window.io,
    { event: data.event_id, as: "screen", key },
    connectionCallbacks(S, {
      isConnected: () => transport.connected,
      refused: () => {
        transport.stop();
        refused(S.refused);
      },
    }),
    "/conference"
  );
  if (!transport) {
    refused(S.error_server_error);
  } else {
    transport.on("event_joined", (msg) => {
      if (!msg || !msg.event) return;
      event = msg.event;
      plenary = msg.plenary || null;
      countdown.set(event.countdown_ends_at, event.server_time);
      render();
    });
    transport.on("event_updated", (next) => {
      if (!next) return;
      event = next;
      countdown.set(event.countdown_ends_at, event.server_time); // server_time is this message's
      render();
    });
    transport.on("plenary_updated", (release) => {
      if (!release) return;
      plenary = release;
      render();
    });
    keepAwake();
    document.addEventListener("visibilitychange", keepAwake);
  }
}

function render() {
  const mode = screenMode(event, plenary);
  const card = event.plenary_card === null || event.plenary_card === undefined ? null : data.cards[event.plenary_card];
  renderPrompt(event, card);
  if (mode === "join" || mode === "ended") {
    renderJoin(event, showQr);
    $("join-steps").hidden = mode === "ended" || !event.join;
    $("ended-note").hidden = mode !== "ended";
    showView("join");
  } else if (mode === "waiting" || !card) {
    showView("waiting");
  } else {
    renderRelease(card, plenary, opts);
    showView("result");
  }
  const now = shownKey(event, plenary);
  fit.update({ fresh: now !== lastKey });
  if (lastKey !== null && now !== lastKey) announce(announcement(mode, card));
  lastKey = now;
}

/** What a screen reader hears when the screen changes (the live region is polite). */
function announcement(mode, card) {
  if (mode === "result") {
    return fmt(S.announce_result, { prompt: card.prompt, n: plenary.result.n, tables: plenary.result.tables });
  }
  if (mode === "waiting") return fmt(S.announce_waiting, { prompt: card ? card.prompt : "" });
  return S.announce_join;
}

function bindFullscreen() {
  const button = $("fullscreen");
  if (!document.fullscreenEnabled) return; // the button stays hidden
  button.hidden = false;
  const label = () => {
    button.textContent = document.fullscreenElement ? S.fullscreen_exit : S.fullscreen;
  };
  label();
  button.addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  });
  document.addEventListener("fullscreenchange", () => {
    label();
    fit.update({ fresh: false });
  });
}

/** A projector laptop should not fall asleep mid-event. */
async function keepAwake() {
  try {
    if ("wakeLock" in navigator && document.visibilityState === "visible") await navigator.wakeLock.request("screen");
  } catch (e) {
    /* not allowed or not supported: fine */
  }
}
