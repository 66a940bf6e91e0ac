/* KoersKaart: the people at the table: names, the head count, and the player lists (chips
   on the table screen; on the phone with "host"/"you" tags and, for the host, remove
   buttons). */

import { clear, h } from "../lib/dom.js";
import { fmt } from "../lib/format.js";

/** A seat's name as shown: nickname, else "Player n" (n counts from 1 in join order). */
export function seatName(seat, index, strings) {
  return seat.nickname || fmt(strings.player_n, { n: index + 1 });
}

/** "1 person is at the table" / "n people are at the table" */
export function renderCount(el, seats, strings) {
  const count = seats.length;
  el.textContent = count === 1 ? strings.people_one : fmt(strings.people_other, { n: count });
}

/** The table screen's list: one name per item. */
export function renderNames(listEl, seats, strings) {
  clear(listEl);
  seats.forEach((seat, i) => listEl.append(h("li", { text: seatName(seat, i, strings) })));
}

/**
 * The phone's list. youId: this phone's seat id; onRemove(seat, name, button), for the host,
 * adds a remove button to every other player. Keeps keyboard focus on the same row's button.
 */
export function renderPlayers(listEl, seats, strings, { youId, onRemove }) {
  const focusedSeat =
    listEl.contains(document.activeElement) && document.activeElement.closest("li")
      ? document.activeElement.closest("li").dataset.seatId
      : null;
  clear(listEl);
  seats.forEach((seat, i) => {
    const name = seatName(seat, i, strings);
    const label = h(
      "span",
      {},
      h("span", { class: "player__name", text: name }),
      seat.is_host ? h("span", { class: "tag", text: strings.host }) : null,
      youId !== undefined && seat.id === youId ? h("span", { class: "tag", text: strings.you }) : null
    );
    const item = h("li", { "data-seat-id": seat.id }, label);
    if (onRemove && youId !== undefined && seat.id !== youId) {
      item.append(
        h("button", {
          type: "button",
          class: "btn btn--danger btn--small",
          text: fmt(strings.remove_player, { name }),
          "data-testid": `remove-player-${seat.id}`,
          onclick: (event) => onRemove(seat, name, event.currentTarget),
        })
      );
    }
    listEl.append(item);
  });
  if (focusedSeat) {
    const again = listEl.querySelector(`li[data-seat-id="${CSS.escape(focusedSeat)}"] button`);
    const fallback = listEl.querySelector("button");
    if (again) again.focus();
    else if (fallback) fallback.focus();
  }
}
