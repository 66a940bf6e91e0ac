/* KoersKaart: the soft timer (#timer) on the phone and the table screen. It counts down to
   table.timer_ends_at on this device's clock, corrected by the server's time at the moment
   the snapshot arrived (phones' clocks differ). Nothing happens when it runs out. */

import { announce } from "../lib/dom.js";
import { fmt, formatDuration } from "../lib/format.js";

export class Countdown {
  constructor(el, strings) {
    this.el = el;
    this.strings = strings;
    this.endsAtLocal = null;
    this.handle = null;
    this.wasUp = false;
  }

  /** Count to timerEndsAt (Unix seconds, server clock), or stop and hide with null. */
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
        announce(this.strings.timer_up);
      }
    } else {
      this.el.textContent = fmt(this.strings.timer_left, { time: formatDuration(left) });
      this.el.classList.remove("is-up");
    }
  }
}
