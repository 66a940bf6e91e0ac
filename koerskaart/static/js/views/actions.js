/* KoersKaart: the team actions list (action cards, the end page, the recap), on the phone
   and the table screen. The host's phone adds a remove button to each action; every
   phone can add one with the form on an action card. */

import { $, announce, clear, h } from "../lib/dom.js";
import { fmt } from "../lib/format.js";

/** Fill listEl with the actions; onRemove(action) (host only) adds a remove button to each. */
export function renderActions(listEl, actions, strings, onRemove) {
  clear(listEl);
  if (!actions || !actions.length) {
    listEl.append(h("li", { class: "empty", text: strings.no_actions }));
    return;
  }
  for (const action of actions) {
    const meta = [action.who || strings.action_who_nobody];
    if (action.due) meta.push(fmt(strings.action_due, { due: action.due }));
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
          "aria-label": fmt(strings.remove_action, { what: action.what }),
          onclick: () => onRemove(action),
        })
      );
    }
    listEl.append(item);
  }
}

/** The phone's "Add an action" form; command(button, event, payload, errorEl) sends it. */
export function bindActionForm(command, strings) {
  $("action-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const errorEl = $("action-error");
    const what = $("action-what").value.trim();
    if (!what) {
      errorEl.textContent = strings.what_required;
      $("action-what").focus();
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    const payload = { who: $("action-who").value.trim(), what, due: $("action-due").value.trim() };
    const res = await command(button, "add_action", payload, errorEl);
    if (res.ok) {
      form.reset();
      announce(strings.action_added);
      $("action-what").focus();
    }
  });
}
