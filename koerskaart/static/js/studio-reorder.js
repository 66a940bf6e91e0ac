/* KoersKaart studio: reorder the cards list by pointer (mouse, pen, touch).

   The keyboard path comes first and needs no script: every card has Up and Down buttons,
   each in a form that posts to /studio/<deck>/cards/<id>/move. This module only adds a drag
   handle per card; dropping a card submits that same form with the card's new position, so
   the server saves and returns the list with the focus on the moved card, as the buttons do.
   No HTML is inserted: the rows are moved, and one hidden input is set with its value. */

const list = document.querySelector("[data-reorder]");

function items() {
  return Array.from(list.querySelectorAll(":scope > li"));
}

/** The item the pointer is over (by its vertical middle), or null outside the list. */
function itemAt(y, dragged) {
  for (const item of items()) {
    if (item === dragged) continue;
    const box = item.getBoundingClientRect();
    if (y >= box.top && y <= box.bottom) return { item, before: y < box.top + box.height / 2 };
  }
  return null;
}

function submitPosition(form, position) {
  let input = form.querySelector("input[name=position]");
  if (!input) {
    input = document.createElement("input");
    input.type = "hidden";
    input.name = "position";
    form.append(input);
  }
  input.value = String(position);
  form.submit(); // without a submitter: no direction, so the server reads the position
}

function startDrag(event, item, handle) {
  if (event.button !== 0) return;
  event.preventDefault();
  const form = item.querySelector("[data-move-form]");
  const from = items().indexOf(item);
  const next = item.nextElementSibling;
  // Listened for on the document, not by pointer capture: moving the row in the DOM would
  // release a capture at the first step.
  item.classList.add("is-dragging");

  const move = (e) => {
    if (e.pointerId !== event.pointerId) return;
    const over = itemAt(e.clientY, item);
    if (!over) return;
    if (over.before) over.item.before(item);
    else over.item.after(item);
  };
  const stop = (e) => {
    if (e.pointerId !== event.pointerId) return;
    document.removeEventListener("pointermove", move);
    document.removeEventListener("pointerup", stop);
    document.removeEventListener("pointercancel", stop);
    item.classList.remove("is-dragging");
    const to = items().indexOf(item);
    if (e.type === "pointercancel" || to === from) {
      if (next) next.before(item); // back where it was
      else list.append(item);
      return;
    }
    submitPosition(form, to);
  };
  document.addEventListener("pointermove", move);
  document.addEventListener("pointerup", stop);
  document.addEventListener("pointercancel", stop);
}

if (list) {
  for (const item of items()) {
    const handle = item.querySelector("[data-drag-handle]");
    if (!handle || !item.querySelector("[data-move-form]")) continue;
    handle.hidden = false;
    handle.addEventListener("pointerdown", (event) => startDrag(event, item, handle));
  }
}
