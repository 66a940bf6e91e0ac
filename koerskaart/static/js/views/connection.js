/* KoersKaart: the connection status line (#conn, role=status) shared by the phone and the
   table screen: "Connecting…", "Connection lost. Reconnecting…", "Connected again." */

import { $ } from "../lib/dom.js";

const BACK_NOTE_MS = 2500; // how long "Connected again." stays

export function show(text, ok) {
  const el = $("conn");
  el.textContent = text;
  el.classList.toggle("is-ok", Boolean(ok));
  el.hidden = false;
}

export function hide() {
  $("conn").hidden = true;
}

/**
 * Transport callbacks (lib/transport.js connect()) that keep the status line up to date.
 * isConnected() is asked before hiding "Connected again."; refused() ends the page.
 */
export function connectionCallbacks(strings, { isConnected, refused }) {
  return {
    connected(again) {
      if (!again) {
        hide();
        return;
      }
      show(strings.reconnected, true);
      window.setTimeout(() => {
        if (isConnected()) hide();
      }, BACK_NOTE_MS);
    },
    lost() {
      show(strings.reconnecting);
    },
    connecting(again) {
      show(again ? strings.reconnecting : strings.connecting);
    },
    refused,
  };
}
