/* KoersKaart: the phone's modal questions (<dialog>, so they work the same everywhere): a yes/no
   confirmation (remove a player, leave, skip a card with answers) and the host's "end the game" dialog. */

import { $ } from "../lib/dom.js";

/**
 * Ask `message`; resolves to true for Confirm (labelled `okLabel` if given: say what it does).
 * Focus goes back to the opener on Cancel.
 */
export function confirmDialog(message, okLabel) {
  const dialog = $("confirm-dialog");
  const opener = document.activeElement;
  const ok = dialog.querySelector('[value="ok"]');
  if (!ok.dataset.label) ok.dataset.label = ok.textContent;
  ok.textContent = okLabel || ok.dataset.label;
  $("confirm-message").textContent = message;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        const ok = dialog.returnValue === "ok";
        if (!ok && opener && opener.isConnected) opener.focus();
        resolve(ok);
      },
      { once: true }
    );
  });
}

/** "End the game for everyone?", opened from the host tools or the Finish button. */
export function bindEndDialog(command) {
  const dialog = $("end-dialog");
  let opener = null;
  function open(event) {
    opener = event.currentTarget;
    $("keep-open-text").checked = false;
    dialog.returnValue = "";
    dialog.showModal();
  }
  $("end-table").addEventListener("click", open);
  $("finish-table").addEventListener("click", open);
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "end") {
      if (opener) opener.focus();
      return;
    }
    const errorEl = opener && opener.id === "finish-table" ? $("hostbar-error") : $("tools-error");
    await command(opener, "end_table", { keep_open_text: $("keep-open-text").checked }, errorEl);
  });
}
