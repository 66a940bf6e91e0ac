/* KoersKaart: the facilitator's conference dashboard (conference/dashboard.html).
   One socket on /conference (auth {event, as: "dashboard"}); the server sends every table's
   progress row, never answers. Every control sends one event and reports its acknowledgement
   in the #dash-feedback live region. Protocol: docs/socket-protocol.md, "Conference dashboard". */

import { $, clear, h, readData } from "./lib/dom.js";
import { fmt } from "./lib/format.js";
import { connect } from "./lib/transport.js";
import { connectionCallbacks, show as showConn } from "./views/connection.js";
import { renderRows, sortRows, totals } from "./views/dashboard-tables.js";

const REFRESH_MS = 15000; // stuck tables are judged by time: ask for fresh rows now and then

const data = readData();
const S = data.strings;
const cards = data.cards;

const state = {
  event: null,
  tables: new Map(), // id -> row
  merge: {}, // table id -> table id to merge it into
  releases: {}, // card index (string) -> release
  sort: { key: "label", dir: 1 },
  clockOffset: 0, // server time - local time, seconds
};

const cardName = (index) => {
  const card = cards[index];
  return card ? fmt(S.card_n, { n: index + 1, prompt: card.prompt }) : fmt(S.card_short, { n: index + 1 });
};
const tableName = (row) => row.label || S.table_unnamed;

// -- feedback -----------------------------------------------------------------------------------

function say(text, isError) {
  const region = $("dash-feedback");
  region.textContent = "";
  region.classList.toggle("is-error", Boolean(isError));
  // a fresh text after a tick, so the same message twice is still announced
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

function errorText(code) {
  return S["error_" + code] || S.error_unknown;
}

async function send(event, payload, done) {
  const ack = await transport.request(event, payload);
  if (ack && ack.ok) {
    if (done) say(done, false);
  } else {
    say(errorText(ack && ack.error), true);
  }
  return ack;
}

// -- rendering ----------------------------------------------------------------------------------

function renderEvent() {
  const ev = state.event;
  if (!ev) return;
  $("dash-code").textContent = ev.join ? ev.join.code : "–";
  const link = $("dash-join-link");
  link.textContent = ev.join ? ev.join.url : "";
  link.href = ev.join ? ev.join.url : "#";
  link.hidden = !ev.join;

  const bits = [ev.pacing === "synchronised" ? S.pacing_synchronised : S.pacing_free];
  if (ev.status === "ended") bits.push(S.event_ended);
  else if (ev.paused) bits.push(S.event_paused);
  if (ev.current_card !== null && ev.current_card !== undefined) bits.push(fmt(S.current_card, { n: ev.current_card + 1 }));
  $("dash-state").textContent = bits.join(" · ");

  const ended = ev.status === "ended";
  $("group-sync").hidden = ev.pacing !== "synchronised" || ended;
  const pause = $("pause");
  pause.textContent = ev.paused ? S.resume_all : S.pause_all;
  pause.setAttribute("aria-pressed", ev.paused ? "true" : "false");
  document.querySelectorAll(".dash-controls button, .dash-controls select, .dash-controls input, .dash-controls textarea")
    .forEach((el) => {
      el.disabled = ended;
    });

  const current = [];
  if (ev.announcement) current.push(fmt(S.announcement_now, { text: ev.announcement }));
  if (ev.countdown_ends_at) {
    const left = Math.max(0, Math.round((ev.countdown_ends_at - now()) / 60));
    current.push(fmt(S.countdown_now, { minutes: left }));
  }
  $("announce-current").textContent = current.join(" ");
  $("announce-current").hidden = current.length === 0;

  // suggest the card after the one the room is on
  const next = typeof ev.current_card === "number" ? Math.min(ev.current_card + 1, cards.length - 1) : 0;
  fillSelect($("show-card-select"), cards.map((c) => [String(c.index), cardName(c.index)]), String(next));
  fillSelect(
    $("screen-select"),
    [["", S.screen_join_code], ...cards.filter((c) => c.answerable).map((c) => [String(c.index), cardName(c.index)])],
    ev.plenary_card === null || ev.plenary_card === undefined ? "" : String(ev.plenary_card)
  );
  renderHarvest();
}

function renderHarvest() {
  const ev = state.event;
  const list = clear($("harvest-list"));
  const harvest = ev ? ev.harvest_cards || [] : [];
  $("group-harvest").hidden = harvest.length === 0;
  for (const index of harvest) {
    const released = Boolean(state.releases[String(index)]);
    const button = h("button", {
      type: "button",
      class: "btn btn--small " + (released ? "btn--secondary" : "btn--primary"),
      "data-testid": "dash-release-" + index,
      "aria-describedby": "harvest-" + index,
      disabled: released || ev.status === "ended",
      onclick: () => send("release_harvest", { card_index: index }, fmt(S.released_done, { n: index + 1 })),
      text: released ? S.released : S.release,
    });
    list.append(h("li", { class: "dash-list__item" }, h("span", { id: "harvest-" + index, text: cardName(index) }), button));
  }
}

function renderReleases() {
  const list = clear($("release-list"));
  const entries = Object.values(state.releases).sort((a, b) => a.card_index - b.card_index);
  $("release-none").hidden = entries.length > 0;
  for (const release of entries) {
    const result = release.result || {};
    list.append(
      h("li", { "data-testid": "dash-release-item" }, fmt(S.release_line, { card: cardName(release.card_index), tables: result.tables ?? "–", n: result.n ?? "–" }))
    );
  }
}

function fillSelect(select, options, preferred) {
  const keep = select.value || preferred;
  clear(select);
  for (const [value, label] of options) select.append(h("option", { value, text: label }));
  if (options.some(([value]) => value === keep)) select.value = keep;
  else if (preferred !== undefined && options.some(([value]) => value === preferred)) select.value = preferred;
}

function renderSeatingSelects(rows) {
  const open = rows.filter((r) => r.status !== "ended");
  const tableOptions = open.map((r) => [r.id, tableName(r)]);
  // players grouped by table, so two people both called "Anne" stay apart
  const playerSelect = $("move-player");
  const kept = playerSelect.value;
  clear(playerSelect);
  for (const row of open) {
    if (!row.players.length) continue;
    const group = h("optgroup", { label: tableName(row) });
    row.players.forEach((p, i) => group.append(h("option", { value: p.id, text: p.nickname || fmt(S.player_n, { n: i + 1 }) })));
    playerSelect.append(group);
  }
  if (kept && playerSelect.querySelector(`option[value="${CSS.escape(kept)}"]`)) playerSelect.value = kept;
  fillSelect($("move-to"), tableOptions);
  fillSelect($("merge-from"), tableOptions);
  fillSelect($("merge-into"), tableOptions);
}

function renderTables() {
  const all = [...state.tables.values()];
  const rows = sortRows(all, state.sort, tableName);
  const ev = state.event || {};
  const focusKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.focusKey : null;
  renderRows($("table-rows"), rows, {
    strings: S,
    fmt,
    tableName,
    merge: state.merge,
    byId: state.tables,
    ended: ev.status === "ended",
    onSeating: (row) =>
      send("close_table", { table: row.id, closed: !row.seating_closed }, fmt(row.seating_closed ? S.seating_reopened : S.seating_closed_done, { table: tableName(row) })),
    onMerge: (row, into) =>
      send("merge_tables", { from: row.id, into: into.id }, fmt(S.merged, { from: tableName(row), into: tableName(into) })),
  });
  if (focusKey) {
    const again = document.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
    if (again) again.focus({ preventScroll: true });
  }
  $("tables-empty").hidden = all.length > 0;
  document.querySelectorAll(".dash-grid th[data-sort]").forEach((th) => {
    if (th.dataset.sort === state.sort.key) th.setAttribute("aria-sort", state.sort.dir > 0 ? "ascending" : "descending");
    else th.removeAttribute("aria-sort");
  });

  const t = totals(all, ev.current_card);
  $("total-tables").textContent = t.tables;
  $("total-players").textContent = t.players;
  $("total-answering").textContent = t.answering;
  $("total-discussing").textContent = t.discussing;
  $("total-done").textContent = t.done;
  $("total-stuck").textContent = t.stuck;
  $("total-stuck").classList.toggle("is-zero", t.stuck === 0);
  $("total-answered").textContent = t.seatedAtOpen ? fmt(S.answered_of, { answered: t.answered, players: t.seatedAtOpen }) : "–";
  renderSeatingSelects(rows);
}

function render() {
  renderEvent();
  renderTables();
  renderReleases();
}

const now = () => Date.now() / 1000 + state.clockOffset;
function clock(serverTime) {
  if (typeof serverTime === "number") state.clockOffset = serverTime - Date.now() / 1000;
}

// -- controls -----------------------------------------------------------------------------------

function bindControls() {
  document.querySelectorAll(".dash-grid th[data-sort] button").forEach((button) => {
    button.addEventListener("click", () => {
      const key = button.closest("th").dataset.sort;
      state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : 1 };
      renderTables();
    });
  });

  $("show-card").addEventListener("click", () => {
    const index = Number($("show-card-select").value);
    send("show_card", { card_index: index }, fmt(S.card_opened, { n: index + 1 }));
  });
  $("close-rounds").addEventListener("click", () => send("close_rounds", {}, S.rounds_closed));
  $("pause").addEventListener("click", () => {
    const paused = !(state.event && state.event.paused);
    send("pause_event", { paused }, paused ? S.paused_done : S.resumed_done);
  });
  $("announce").addEventListener("click", () => {
    const text = $("announce-text").value.trim();
    const minutes = Number($("announce-minutes").value);
    if (!text && !minutes) {
      say(S.announce_empty, true);
      return;
    }
    send(
      "announce",
      { text: text || null, countdown_seconds: minutes > 0 ? Math.round(minutes * 60) : null },
      S.announce_sent
    ).then((ack) => {
      if (ack.ok) {
        $("announce-text").value = "";
        $("announce-minutes").value = "";
      }
    });
  });
  $("announce-clear").addEventListener("click", () => send("announce", { text: null, countdown_seconds: null }, S.announce_cleared));
  $("screen-show").addEventListener("click", () => {
    const value = $("screen-select").value;
    send("show_on_screen", { card_index: value === "" ? null : Number(value) }, S.screen_done);
  });
  $("move").addEventListener("click", () => {
    const seat = $("move-player").value;
    const to = $("move-to").value;
    if (!seat || !to) return say(S.choose_player, true);
    send("move_player", { seat_id: seat, to }, fmt(S.moved, { table: tableName(state.tables.get(to) || {}) }));
  });
  $("merge").addEventListener("click", () => {
    const from = $("merge-from").value;
    const into = $("merge-into").value;
    if (!from || !into || from === into) return say(S.choose_two_tables, true);
    send("merge_tables", { from, into }, fmt(S.merged, { from: tableName(state.tables.get(from) || {}), into: tableName(state.tables.get(into) || {}) }));
  });
  $("open-table").addEventListener("click", () => {
    const label = $("open-label").value.trim();
    send("open_table", { label: label || null }, S.table_opened).then((ack) => {
      if (ack.ok) $("open-label").value = "";
    });
  });

  const dialog = $("end-dialog");
  let opener = null;
  $("end").addEventListener("click", (event) => {
    opener = event.currentTarget;
    $("keep-open-text").checked = false;
    dialog.returnValue = "";
    dialog.showModal();
  });
  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "end") {
      send("end_event", { keep_open_text: $("keep-open-text").checked }, S.event_ended_done);
    } else if (opener && opener.isConnected) {
      opener.focus();
    }
  });
}

// -- connection ---------------------------------------------------------------------------------

const transport = connect(
  window.io,
  { event: data.event_id, as: "dashboard" },
  connectionCallbacks(S, {
    isConnected: () => transport.connected,
    refused: () => {
      transport.stop();
      showConn(S.refused);
    },
  }),
  "/conference"
);

function setRows(rows, merge) {
  state.tables = new Map((rows || []).map((row) => [row.id, row]));
  state.merge = merge || {};
}

if (!transport) {
  showConn(S.error_server_error);
} else {
  bindControls();
  transport.on("event_joined", (msg) => {
    if (!msg || !msg.event) return;
    clock(msg.server_time);
    state.event = msg.event;
    setRows(msg.tables, msg.merge);
    state.releases = msg.releases || {};
    render();
  });
  transport.on("dashboard_tables", (msg) => {
    if (!msg) return;
    clock(msg.server_time);
    setRows(msg.tables, msg.merge);
    renderTables();
  });
  transport.on("dashboard_table", (row) => {
    if (!row || !row.id) return;
    state.tables.set(row.id, row);
    renderTables();
  });
  transport.on("dashboard_count", (msg) => {
    const row = msg && state.tables.get(msg.id);
    if (!row) return;
    state.tables.set(msg.id, { ...row, answered: msg.answered });
    renderTables();
  });
  transport.on("event_updated", (ev) => {
    if (!ev) return;
    clock(ev.server_time);
    state.event = ev;
    renderEvent();
    renderTables();
  });
  transport.on("plenary_released", (release) => {
    if (!release || typeof release.card_index !== "number") return;
    state.releases[String(release.card_index)] = release;
    renderHarvest();
    renderReleases();
  });
  window.setInterval(() => {
    if (transport.connected && !document.hidden) transport.request("refresh_dashboard", {});
  }, REFRESH_MS);
}
