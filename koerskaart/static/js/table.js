/* KoersKaart: the player page, which is also the host's control page.
   Follows docs/socket-protocol.md: renders from table_joined / table_updated /
   answer_count_changed, sends commands with acknowledgements. */
(function () {
  "use strict";

  const KK = window.KK;
  const h = KK.h;
  const fmt = KK.fmt;
  const $ = (id) => document.getElementById(id);

  const data = KK.readData();
  const S = data.strings;
  const deck = data.deck;
  const scaleLabels = data.scale_labels;
  const ACK_TIMEOUT = 5000;

  // --- state ------------------------------------------------------------------------
  let you = null; // {role, seat_id, my_answer}
  let join = null; // {code, url, qr_svg} or null
  let table = null; // the latest snapshot
  let finished = false; // removed, left or refused: nothing more to render
  let everConnected = false;
  let builtKey = null; // the card/round the answer area and result were built for
  let qrSource = null;
  const answer = {
    cardIndex: null,
    sent: undefined, // the value the server has stored (acknowledged, or my_answer)
    pending: undefined, // sent, not (yet) acknowledged
    inFlight: false,
    retried: false,
  };
  const countdown = new KK.Countdown($("timer"), S);

  // --- socket -------------------------------------------------------------------------
  if (typeof window.io !== "function") {
    showConn(S.error_server_error);
    return;
  }
  const socket = window.io("/play", {
    transports: ["websocket"],
    auth: { table: data.table_id, as: "seat" },
  });

  /** Send one event; always resolves to the server's ack or {ok:false, error}. */
  function request(event, payload) {
    return new Promise((resolve) => {
      if (!socket.connected) {
        resolve({ ok: false, error: "offline" });
        return;
      }
      socket.timeout(ACK_TIMEOUT).emit(event, payload || {}, (err, res) => {
        if (err) resolve({ ok: false, error: "timeout" });
        else resolve(res && typeof res === "object" ? res : { ok: false, error: "unknown" });
      });
    });
  }

  function errorText(code) {
    return S["error_" + code] || S.error_unknown;
  }

  socket.on("connect", () => {
    if (everConnected) {
      showConn(S.reconnected, true);
      window.setTimeout(() => {
        if (socket.connected) hideConn();
      }, 2500);
    } else {
      hideConn();
    }
    everConnected = true;
  });

  socket.on("disconnect", (reason) => {
    if (finished) return;
    showConn(S.reconnecting);
    if (reason === "io server disconnect") {
      // The server closed us without a removal notice (a restart, a dropped message):
      // try again; a refusal then shows the "not at this table" page.
      window.setTimeout(() => {
        if (!finished && !socket.connected) socket.connect();
      }, 1000);
    }
  });

  socket.on("connect_error", (err) => {
    if (finished) return;
    if (!socket.active) {
      // refused by the server (no seat, removed, unknown table): not worth retrying
      refuse();
    } else {
      showConn(everConnected ? S.reconnecting : S.connecting);
    }
    void err;
  });

  socket.on("table_joined", (msg) => {
    if (finished || !msg || !msg.table) return;
    you = msg.you || {};
    join = msg.join || null;
    const snap = msg.table;
    const round = currentRound(snap);
    if (snap.status === "playing" && round && round.status === "open") {
      if (answer.cardIndex !== snap.card_index) resetAnswer(snap.card_index);
      const mine = you.my_answer;
      answer.sent = mine === null || mine === undefined ? undefined : mine;
    }
    applySnapshot(snap);
    reconcilePending(snap);
  });

  socket.on("table_updated", (snap) => {
    if (finished || !snap) return;
    applySnapshot(snap);
  });

  socket.on("answer_count_changed", (msg) => {
    if (finished || !table || !msg || !table.round) return;
    if (msg.card_index !== table.card_index || table.round.card_index !== msg.card_index) return;
    table.round.answered = msg.answered;
    table.round.total = msg.total;
    renderStatus();
    renderHostControls();
  });

  socket.on("seat_removed", () => {
    finish("removed");
  });

  // --- connection indicator -------------------------------------------------------------
  function showConn(text, ok) {
    const el = $("conn");
    el.textContent = text;
    el.classList.toggle("is-ok", Boolean(ok));
    el.hidden = false;
  }

  function hideConn() {
    $("conn").hidden = true;
  }

  function refuse() {
    finish("refused");
  }

  function finish(view) {
    finished = true;
    countdown.set(null);
    hideConn();
    $("paused-banner").hidden = true;
    $("leave-area").hidden = true;
    KK.showView(view);
    const heading = document.querySelector(`#view-${view} h1`);
    if (heading) heading.focus({ preventScroll: true });
    window.scrollTo(0, 0);
    if (socket.connected || socket.active) socket.disconnect();
  }

  // --- helpers --------------------------------------------------------------------------
  function currentRound(snap) {
    const round = snap && snap.round;
    return round && round.card_index === snap.card_index ? round : null;
  }

  function isHost() {
    if (!table || !you) return false;
    return table.seats.some((seat) => seat.id === you.seat_id && seat.is_host);
  }

  function currentCard() {
    return table ? deck.cards[table.card_index] : null;
  }

  function resetAnswer(cardIndex) {
    answer.cardIndex = cardIndex;
    answer.sent = undefined;
    answer.pending = undefined;
    answer.inFlight = false;
    answer.retried = false;
  }

  /** If focus sits on something that vanished, move it to a sensible heading. */
  function keepFocus(target) {
    const active = document.activeElement;
    const lost =
      !active || active === document.body || !active.isConnected || active.closest("[hidden]") !== null;
    if (lost && target) target.focus({ preventScroll: true });
  }

  /** aria-disabled keeps a button focusable, so its explanation can still be read. */
  function setAvailable(btn, available) {
    btn.setAttribute("aria-disabled", available ? "false" : "true");
  }

  function available(btn) {
    return btn.getAttribute("aria-disabled") !== "true" && !btn.disabled;
  }

  async function command(btn, event, payload, errorEl) {
    if (btn && !available(btn)) return { ok: false };
    if (errorEl) errorEl.textContent = "";
    if (btn) btn.disabled = true;
    const res = await request(event, payload);
    if (btn) btn.disabled = false;
    if (!res.ok && errorEl) errorEl.textContent = errorText(res.error);
    return res;
  }

  // --- snapshots --------------------------------------------------------------------------
  function applySnapshot(snap) {
    const prev = table;
    table = snap;
    if (snap.status === "playing") {
      const round = currentRound(snap);
      if (answer.cardIndex !== snap.card_index) resetAnswer(snap.card_index);
      if (!round || round.status !== "open") {
        answer.sent = undefined;
        answer.pending = undefined;
        answer.inFlight = false;
      }
    }
    render();
    announceChanges(prev, snap);
  }

  function render() {
    if (finished || !table) return;
    const host = isHost();
    const playing = table.status === "playing";
    $("paused-banner").hidden = !(playing && table.paused);
    $("banner-resume").hidden = !(playing && table.paused && host);
    $("leave-area").hidden = table.status === "ended";
    document.querySelectorAll(".screen-link").forEach((link) => {
      link.hidden = !(host && data.screen_url);
      if (data.screen_url) link.href = data.screen_url;
    });
    document.querySelectorAll(".lock-toggle").forEach((btn) => {
      btn.textContent = table.locked ? S.unlock : S.lock;
      btn.removeAttribute("aria-pressed");
    });
    document.querySelectorAll(".lock-note").forEach((note) => {
      note.textContent = table.locked ? S.locked_note : S.unlocked_note;
    });

    if (table.status === "lobby") {
      renderLobby(host);
      KK.showView("lobby");
      keepFocus($("lobby-title"));
    } else if (playing) {
      renderCard(host);
      KK.showView("card");
      keepFocus($("card-prompt"));
    } else if (table.status === "ended") {
      countdown.set(null);
      renderEnded();
      KK.showView("ended");
      keepFocus($("ended-title"));
    }
  }

  function announceChanges(prev, snap) {
    if (!prev) return;
    const card = deck.cards[snap.card_index];
    if (snap.status === "ended" && prev.status !== "ended") {
      KK.announce(S.ended_announce);
      window.scrollTo(0, 0);
      $("ended-title").focus({ preventScroll: true });
      return;
    }
    if (snap.status !== "playing") return;
    if (prev.status !== "playing" || prev.card_index !== snap.card_index) {
      KK.announce(fmt(S.new_card, { n: snap.card_index + 1, total: snap.card_count, prompt: card.prompt }));
      window.scrollTo(0, 0);
      return;
    }
    const before = currentRound(prev);
    const now = currentRound(snap);
    if (before && now && before.status === "open" && now.status !== "open") {
      if (now.status === "revealed") KK.announce(S.result_revealed);
      else if (now.status === "too_few") KK.announce(S.too_few_announce);
      const result = $("result");
      if (!result.hidden) result.scrollIntoView({ block: "nearest" });
    }
    if (prev.paused !== snap.paused) KK.announce(snap.paused ? S.paused_announce : S.resumed_announce);
    if (snap.reason === "timer_set") {
      if (snap.timer_ends_at) {
        const minutes = Math.round((snap.timer_ends_at - snap.server_time) / 60);
        KK.announce(fmt(S.timer_set, { n: minutes }));
      } else {
        KK.announce(S.timer_cleared);
      }
    }
  }

  // --- lobby ------------------------------------------------------------------------------
  function renderLobby(host) {
    const box = $("joinbox");
    if (join) {
      box.hidden = false;
      $("join-code").textContent = join.code;
      const link = $("join-link");
      link.href = join.url;
      link.textContent = join.url.replace(/^https?:\/\//, "");
      if (qrSource !== join.qr_svg) {
        qrSource = join.qr_svg;
        const qr = $("join-qr");
        KK.clear(qr);
        const svg = KK.qrElement(join.qr_svg);
        if (svg) qr.append(svg);
        qr.hidden = !svg;
      }
    } else {
      box.hidden = true;
    }
    const notice = $("discussion-only");
    notice.hidden = !table.discussion_only;
    notice.textContent = fmt(S.discussion_only, { k: table.k });

    const count = table.seats.length;
    $("lobby-count").textContent = count === 1 ? S.people_one : fmt(S.people_other, { n: count });
    renderPlayers($("lobby-players"), host);
    $("lobby-host").hidden = !host;
    $("lobby-wait").hidden = host;
  }

  function renderPlayers(listEl, withRemove) {
    const focusedSeat =
      listEl.contains(document.activeElement) && document.activeElement.closest("li")
        ? document.activeElement.closest("li").dataset.seatId
        : null;
    KK.clear(listEl);
    table.seats.forEach((seat, i) => {
      const name = KK.seatName(seat, i, S);
      const label = h(
        "span",
        {},
        h("span", { class: "player__name", text: name }),
        seat.is_host ? h("span", { class: "tag", text: S.host }) : null,
        you && seat.id === you.seat_id ? h("span", { class: "tag", text: S.you }) : null
      );
      const item = h("li", { "data-seat-id": seat.id }, label);
      if (withRemove && you && seat.id !== you.seat_id) {
        item.append(
          h("button", {
            type: "button",
            class: "btn btn--danger btn--small",
            text: fmt(S.remove_player, { name }),
            "data-testid": `remove-player-${seat.id}`,
            onclick: (event) => removePlayer(seat, name, event.currentTarget),
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

  async function removePlayer(seat, name, btn) {
    const ok = await confirmDialog(fmt(S.confirm_remove, { name }));
    if (!ok) return;
    const errorEl = table.status === "lobby" ? $("lobby-error") : $("tools-error");
    const res = await command(btn, "remove_player", { seat_id: seat.id }, errorEl);
    if (res.ok) KK.announce(fmt(S.removed_player, { name }));
  }

  $("copy-link").addEventListener("click", async () => {
    const status = $("copy-status");
    if (!join) return;
    try {
      await navigator.clipboard.writeText(join.url);
      status.textContent = S.copied;
    } catch (e) {
      // no clipboard (http, old browser): select the link text for a manual copy
      const range = document.createRange();
      range.selectNodeContents($("join-link"));
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = S.copy_failed;
    }
    window.setTimeout(() => (status.textContent = ""), 5000);
  });

  $("start-game").addEventListener("click", (event) => {
    command(event.currentTarget, "start_game", {}, $("lobby-error"));
  });

  document.querySelectorAll(".lock-toggle").forEach((btn) => {
    btn.addEventListener("click", () => {
      const errorEl = table && table.status === "lobby" ? $("lobby-error") : $("tools-error");
      command(btn, "lock_table", { locked: !table.locked }, errorEl);
    });
  });

  // --- card -------------------------------------------------------------------------------
  function renderCard(host) {
    const idx = table.card_index;
    const card = deck.cards[idx];
    const round = currentRound(table);
    const status = round ? round.status : "open";
    const answerable = card.type !== "action";

    $("phase").textContent = card.phase_title || "";
    $("card-progress").textContent = fmt(S.card_of, { n: idx + 1, total: table.card_count });
    $("card-prompt").textContent = card.prompt;
    const body = $("card-body");
    body.textContent = card.body || "";
    body.hidden = !card.body;
    const notice = $("card-discussion-only");
    notice.hidden = !(table.discussion_only && answerable && status === "open");
    notice.textContent = fmt(S.discussion_only_playing, { k: table.k });
    countdown.set(table.timer_ends_at, table.server_time);

    const key = `${idx}:${status}`;
    if (key !== builtKey) {
      builtKey = key;
      buildAnswerArea(card, status);
      buildResult(card, round, status);
    }
    updateAnswerUI();
    renderStatus();

    const discussing = !answerable || status !== "open";
    const followups = card.follow_up || [];
    $("followups").hidden = !(discussing && followups.length);
    const list = $("followup-list");
    KK.clear(list);
    for (const question of followups) list.append(h("li", { text: question }));
    const source = $("card-source");
    source.hidden = !(discussing && card.source);
    source.textContent = card.source ? fmt(S.source, { source: card.source }) : "";

    $("actions-area").hidden = answerable;
    if (!answerable) {
      KK.renderActions($("action-list"), table.actions, S, host ? removeAction : null);
      const disabled = table.paused;
      $("action-form")
        .querySelectorAll("input, textarea, button")
        .forEach((el) => (el.disabled = disabled));
    }

    $("host-tools").hidden = !host;
    $("hostbar").hidden = !host;
    if (host) {
      const count = table.seats.length;
      $("tools-player-count").textContent = `(${count})`;
      renderPlayers($("tools-players"), true);
      renderHostControls();
    }
  }

  function renderStatus() {
    const el = $("answer-status");
    const card = currentCard();
    const round = currentRound(table);
    if (table.status === "playing" && card && card.type !== "action" && round && round.status === "open") {
      const text = fmt(S.answered, { answered: round.answered ?? 0, total: round.total ?? table.seats.length });
      if (el.textContent !== text) el.textContent = text;
    } else if (el.textContent) {
      el.textContent = "";
    }
  }

  function buildResult(card, round, status) {
    const section = $("result");
    const bodyEl = $("result-body");
    KK.clear(bodyEl);
    const show = card.type !== "action" && ["revealed", "too_few", "skipped"].includes(status);
    section.hidden = !show;
    if (!show) return;
    const result = round ? round.result : null;
    if (status === "revealed" && result) {
      bodyEl.append(KK.renderResult(card, result, { strings: S, scaleLabels, k: table.k, testids: true }));
    } else {
      bodyEl.append(KK.renderOutcome(card, status, result, table, { strings: S, scaleLabels }));
    }
  }

  // --- answering ----------------------------------------------------------------------------
  function buildAnswerArea(card, status) {
    const area = $("answer-area");
    KK.clear(area);
    if (card.type === "action" || status !== "open") return;
    const idx = table.card_index;
    const form = h("form", { class: "answer-form", id: "answer-form", novalidate: true });

    if (card.type === "open") {
      const max = card.max_length || 280;
      const textarea = h("textarea", {
        class: "input",
        id: "answer-text",
        name: "answer",
        rows: 4,
        maxlength: max,
        "data-testid": "answer-text",
        "aria-describedby": "answer-hint answer-count",
      });
      const counter = h("p", { class: "char-count", id: "answer-count" });
      const update = () => {
        const len = textarea.value.length;
        counter.textContent = fmt(S.characters, { count: len, max });
        counter.classList.toggle("is-near", len > max * 0.9);
        updateAnswerUI();
      };
      textarea.addEventListener("input", update);
      form.append(
        h(
          "div",
          { class: "field" },
          h("label", { class: "label", for: "answer-text", text: S.your_answer }),
          h("p", { class: "hint", id: "answer-hint", text: S.open_hint }),
          textarea,
          counter
        )
      );
      const restore = answer.pending !== undefined ? answer.pending : answer.sent;
      if (typeof restore === "string") textarea.value = restore;
      counter.textContent = fmt(S.characters, { count: textarea.value.length, max });
    } else {
      const fieldset = h(
        "fieldset",
        { class: "options", id: "answer-options" },
        h("legend", { class: "visually-hidden", text: card.prompt })
      );
      const restore = answer.pending !== undefined ? answer.pending : answer.sent;
      for (const choice of KK.answerChoices(card, scaleLabels)) {
        const id = `answer-${idx}-${choice.value}`;
        const input = h("input", {
          type: "radio",
          name: "answer",
          id,
          value: String(choice.value),
          "data-testid": `answer-option-${choice.value}`,
          checked: restore === choice.value,
        });
        input.addEventListener("change", () => {
          setFeedback("", "");
          updateAnswerUI();
        });
        fieldset.append(
          h(
            "div",
            { class: "option", "data-value": choice.value },
            input,
            h(
              "label",
              { for: id, class: "option__face" },
              h("span", { class: "option__mark", "aria-hidden": "true" }),
              h("span", { class: "option__text", text: choice.label })
            )
          )
        );
      }
      form.append(fieldset);
    }

    form.append(
      h("button", {
        type: "submit",
        class: "btn btn--primary btn--block btn--large",
        id: "send-answer",
        "data-testid": "send-answer",
        text: S.send,
      }),
      h("p", { class: "answer-feedback", id: "answer-feedback", role: "status" })
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = selectedValue();
      if (value === undefined) {
        setFeedback(card.type === "open" ? S.write_first : S.choose_first, "warn");
        return;
      }
      sendAnswer(value);
    });
    area.append(form);
    if (answer.sent !== undefined && answer.pending === undefined) setFeedback(S.answer_sent, "ok");
    else if (answer.pending !== undefined) setFeedback(S.answer_pending, "warn");
  }

  function selectedValue() {
    const text = $("answer-text");
    if (text) {
      const value = text.value.trim();
      return value ? value : undefined;
    }
    const checked = document.querySelector('#answer-form input[name="answer"]:checked');
    return checked ? parseInt(checked.value, 10) : undefined;
  }

  function setFeedback(text, kind) {
    const el = $("answer-feedback");
    if (!el) return;
    el.textContent = text;
    el.className = "answer-feedback" + (kind ? ` is-${kind}` : "");
  }

  function updateAnswerUI() {
    const form = $("answer-form");
    if (!form || !table) return;
    const paused = table.paused;
    const button = $("send-answer");
    const selected = selectedValue();
    form.querySelectorAll("input, textarea").forEach((el) => (el.disabled = paused));
    form.querySelectorAll(".option").forEach((option) => {
      option.classList.toggle("is-sent", answer.sent !== undefined && String(answer.sent) === option.dataset.value);
    });
    if (answer.inFlight) {
      button.disabled = true;
      button.textContent = S.sending;
      return;
    }
    button.textContent = answer.sent === undefined ? S.send : S.change;
    const unchanged = answer.sent !== undefined && selected === answer.sent;
    button.disabled = paused || unchanged;
  }

  async function sendAnswer(value) {
    const cardIndex = table.card_index;
    answer.cardIndex = cardIndex;
    answer.pending = value;
    answer.retried = false;
    if (!socket.connected) {
      setFeedback(S.answer_pending, "warn");
      updateAnswerUI();
      return; // table_joined after the reconnect sends it
    }
    await transmit(cardIndex, value);
  }

  async function transmit(cardIndex, value) {
    answer.inFlight = true;
    updateAnswerUI();
    const res = await request("submit_answer", { card_index: cardIndex, value });
    if (answer.cardIndex !== cardIndex || answer.pending !== value) return; // the table moved on
    answer.inFlight = false;
    if (res.ok) {
      answer.sent = value;
      answer.pending = undefined;
      setFeedback(S.answer_sent, "ok");
    } else if (res.error === "timeout" || res.error === "offline") {
      setFeedback(S.answer_pending, "warn");
      if (res.error === "timeout" && socket.connected && !answer.retried) {
        answer.retried = true; // answers are idempotent: one immediate retry is safe
        updateAnswerUI();
        await transmit(cardIndex, value);
        return;
      }
    } else {
      answer.pending = undefined;
      setFeedback(errorText(res.error), "warn");
    }
    updateAnswerUI();
  }

  /** After a (re)connect: send an answer the server never confirmed, unless it has it. */
  function reconcilePending(snap) {
    if (answer.pending === undefined) return;
    const round = currentRound(snap);
    if (snap.status !== "playing" || !round || round.status !== "open" || answer.cardIndex !== snap.card_index) {
      answer.pending = undefined;
      return;
    }
    if (you && you.my_answer === answer.pending) {
      answer.sent = answer.pending;
      answer.pending = undefined;
      setFeedback(S.answer_sent, "ok");
      updateAnswerUI();
      return;
    }
    answer.retried = true;
    transmit(snap.card_index, answer.pending);
  }

  // --- team actions ----------------------------------------------------------------------------
  $("action-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const errorEl = $("action-error");
    const what = $("action-what").value.trim();
    if (!what) {
      errorEl.textContent = S.what_required;
      $("action-what").focus();
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    const res = await command(
      button,
      "add_action",
      { who: $("action-who").value.trim(), what, due: $("action-due").value.trim() },
      errorEl
    );
    if (res.ok) {
      form.reset();
      KK.announce(S.action_added);
      $("action-what").focus();
    }
  });

  async function removeAction(action) {
    await command(null, "remove_action", { action_id: action.id }, $("action-error"));
  }

  // --- host controls ---------------------------------------------------------------------------
  function renderHostControls() {
    if (!table || table.status !== "playing" || !isHost()) return;
    const idx = table.card_index;
    const card = deck.cards[idx];
    const round = currentRound(table);
    const status = round ? round.status : "open";
    const answerable = card.type !== "action";
    const open = answerable && status === "open";
    const answered = round && typeof round.answered === "number" ? round.answered : 0;
    const need = KK.threshold(card, table);
    const last = idx >= table.card_count - 1;
    const paused = table.paused;
    const hints = [];

    const close = $("close-round");
    const skip = $("skip-card");
    const next = $("next-card");
    const finishBtn = $("finish-table");
    const prev = $("prev-card");

    close.hidden = !open;
    skip.hidden = !open;
    next.hidden = open || last;
    finishBtn.hidden = open || !last;

    setAvailable(close, !paused && answered >= need);
    if (open && answered < need) hints.push(fmt(S.reveal_needs, { k: need }));
    setAvailable(skip, !paused);
    setAvailable(next, !paused);
    const blocked = open && answered > 0;
    setAvailable(prev, !paused && idx > 0 && !blocked);
    if (blocked && idx > 0) hints.push(S.next_needs);

    $("hostbar-hint").textContent = hints.join(" ");
    const pauseBtn = $("pause-table");
    pauseBtn.textContent = paused ? S.resume : S.pause;
    document.querySelectorAll("[data-timer]").forEach((btn) => (btn.disabled = paused));
  }

  $("close-round").addEventListener("click", (event) => {
    command(event.currentTarget, "close_round", {}, $("hostbar-error"));
  });
  $("skip-card").addEventListener("click", (event) => {
    command(event.currentTarget, "skip_card", {}, $("hostbar-error"));
  });
  $("next-card").addEventListener("click", (event) => {
    command(event.currentTarget, "next_card", {}, $("hostbar-error"));
  });
  $("prev-card").addEventListener("click", (event) => {
    if (!table) return;
    command(event.currentTarget, "go_to_card", { card_index: table.card_index - 1 }, $("hostbar-error"));
  });
  $("pause-table").addEventListener("click", (event) => {
    command(event.currentTarget, "pause_table", { paused: !table.paused }, $("tools-error"));
  });
  $("banner-resume").addEventListener("click", (event) => {
    command(event.currentTarget, "pause_table", { paused: false }, $("tools-error"));
  });
  document.querySelectorAll("[data-timer]").forEach((btn) => {
    btn.addEventListener("click", () => {
      const seconds = btn.dataset.timer ? parseInt(btn.dataset.timer, 10) : null;
      command(btn, "set_timer", { seconds }, $("tools-error"));
    });
  });

  // --- ending and leaving ---------------------------------------------------------------------
  const endDialog = $("end-dialog");
  let endOpener = null;
  function openEndDialog(event) {
    endOpener = event.currentTarget;
    $("keep-open-text").checked = false;
    endDialog.returnValue = "";
    endDialog.showModal();
  }
  $("end-table").addEventListener("click", openEndDialog);
  $("finish-table").addEventListener("click", openEndDialog);
  endDialog.addEventListener("close", async () => {
    if (endDialog.returnValue !== "end") {
      if (endOpener) endOpener.focus();
      return;
    }
    const errorEl = endOpener && endOpener.id === "finish-table" ? $("hostbar-error") : $("tools-error");
    await command(endOpener, "end_table", { keep_open_text: $("keep-open-text").checked }, errorEl);
  });

  $("leave-table").addEventListener("click", async (event) => {
    const ok = await confirmDialog(S.confirm_leave);
    if (!ok) return;
    const res = await command(event.currentTarget, "leave_table", {}, null);
    if (res.ok) finish("left");
    else window.alert(errorText(res.error));
  });

  /** A small modal yes/no question (a <dialog>, so it works the same everywhere). */
  function confirmDialog(message) {
    const dialog = $("confirm-dialog");
    const opener = document.activeElement;
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

  // --- the end ------------------------------------------------------------------------------
  function renderEnded() {
    KK.renderActions($("end-actions"), table.actions, S, null);
    KK.renderRecap($("recap"), deck, table, { strings: S, scaleLabels });
  }
})();
