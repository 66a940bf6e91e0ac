/* KoersKaart: the table screen (laptop or projector). Listens only; no controls.
   The screen key travels in the URL fragment (#key) and in the socket auth. */
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
  const key = decodeURIComponent(location.hash.replace(/^#/, ""));

  let table = null;
  let join = null;
  let builtKey = null;
  let qrSource = null;
  let everConnected = false;
  let stopped = false;
  const countdown = new KK.Countdown($("timer"), S);

  KK.keepHashOnLinks();

  function refused(message) {
    stopped = true;
    hideConn();
    $("refused-message").textContent = message;
    KK.showView("refused");
  }

  function showConn(text, ok) {
    const el = $("conn");
    el.textContent = text;
    el.classList.toggle("is-ok", Boolean(ok));
    el.hidden = false;
  }

  function hideConn() {
    $("conn").hidden = true;
  }

  if (!key) {
    refused(S.screen_missing_key);
    return;
  }
  if (typeof window.io !== "function") {
    refused(S.error_server_error);
    return;
  }

  const socket = window.io("/play", {
    transports: ["websocket"],
    auth: { table: data.table_id, as: "screen", key },
  });

  socket.on("connect", () => {
    if (everConnected) {
      showConn(S.reconnected, true);
      window.setTimeout(() => socket.connected && hideConn(), 2500);
    } else {
      hideConn();
    }
    everConnected = true;
  });
  socket.on("disconnect", (reason) => {
    if (stopped) return;
    showConn(S.reconnecting);
    if (reason === "io server disconnect") {
      window.setTimeout(() => !stopped && !socket.connected && socket.connect(), 1000);
    }
  });
  socket.on("connect_error", () => {
    if (stopped) return;
    if (!socket.active) refused(S.screen_refused);
    else showConn(everConnected ? S.reconnecting : S.connecting);
  });

  socket.on("table_joined", (msg) => {
    if (!msg || !msg.table) return;
    join = msg.join || null;
    apply(msg.table);
  });
  socket.on("table_updated", (snap) => snap && apply(snap));
  socket.on("answer_count_changed", (msg) => {
    if (!table || !msg || !table.round || msg.card_index !== table.card_index) return;
    table.round.answered = msg.answered;
    table.round.total = msg.total;
    renderStatus();
  });

  function currentRound(snap) {
    const round = snap && snap.round;
    return round && round.card_index === snap.card_index ? round : null;
  }

  function apply(snap) {
    const prev = table;
    table = snap;
    render();
    if (!prev) return;
    if (snap.status === "playing" && prev.status === "playing" && prev.card_index === snap.card_index) {
      const before = currentRound(prev);
      const now = currentRound(snap);
      if (before && now && before.status === "open" && now.status === "revealed") KK.announce(S.result_revealed);
    }
    if (snap.status === "ended" && prev.status !== "ended") KK.announce(S.ended_announce);
  }

  function render() {
    $("paused-banner").hidden = !(table.status === "playing" && table.paused);
    if (table.status === "lobby") {
      countdown.set(null);
      renderLobby();
      KK.showView("lobby");
    } else if (table.status === "playing") {
      renderCard();
      KK.showView("card");
    } else {
      countdown.set(null);
      KK.renderActions($("end-actions"), table.actions, S, null);
      KK.renderRecap($("recap"), deck, table, { strings: S, scaleLabels });
      KK.showView("ended");
    }
  }

  function renderLobby() {
    if (join) {
      $("join-code").textContent = join.code;
      $("join-url").textContent = join.url.split("#")[0].replace(/^https?:\/\//, "");
      if (qrSource !== join.qr_svg) {
        qrSource = join.qr_svg;
        const qr = KK.clear($("join-qr"));
        const svg = KK.qrElement(join.qr_svg);
        if (svg) qr.append(svg);
      }
    }
    const count = table.seats.length;
    $("lobby-count").textContent = count === 1 ? S.people_one : fmt(S.people_other, { n: count });
    const list = KK.clear($("lobby-players"));
    table.seats.forEach((seat, i) => list.append(h("li", { text: KK.seatName(seat, i, S) })));
    const notice = $("discussion-only");
    notice.hidden = !table.discussion_only;
    notice.textContent = fmt(S.discussion_only, { k: table.k });
  }

  function renderCard() {
    const idx = table.card_index;
    const card = deck.cards[idx];
    const round = currentRound(table);
    const status = round ? round.status : "open";
    const answerable = card.type !== "action";
    const discussing = !answerable || status !== "open";

    $("phase").textContent = card.phase_title || "";
    $("card-progress").textContent = fmt(S.card_of, { n: idx + 1, total: table.card_count });
    $("card-prompt").textContent = card.prompt;
    $("card-body").textContent = card.body || "";
    $("card-body").hidden = !card.body;
    const notice = $("card-discussion-only");
    notice.hidden = !(table.discussion_only && answerable && status === "open");
    notice.textContent = fmt(S.discussion_only_playing, { k: table.k });
    countdown.set(table.timer_ends_at, table.server_time);

    $("view-card").classList.toggle("is-discussing", discussing);
    const stateKey = `${idx}:${status}`;
    if (stateKey !== builtKey) {
      builtKey = stateKey;
      // choice options are read from the screen while people answer
      const options = KK.clear($("card-options"));
      const showOptions = card.type === "choice" && status === "open";
      options.hidden = !showOptions;
      if (showOptions) for (const option of card.options) options.append(h("li", { text: option }));

      const section = $("result");
      const body = KK.clear($("result-body"));
      const show = answerable && ["revealed", "too_few", "skipped"].includes(status);
      section.hidden = !show;
      if (show) {
        const result = round ? round.result : null;
        body.append(
          status === "revealed" && result
            ? KK.renderResult(card, result, { strings: S, scaleLabels, k: table.k, testids: true })
            : KK.renderOutcome(card, status, result, table, { strings: S, scaleLabels })
        );
      }
      const list = KK.clear($("followup-list"));
      for (const question of card.follow_up || []) list.append(h("li", { text: question }));
      window.scrollTo(0, 0);
    }
    $("followups").hidden = !(discussing && (card.follow_up || []).length);
    const source = $("card-source");
    source.hidden = !(discussing && card.source);
    source.textContent = card.source ? fmt(S.source, { source: card.source }) : "";
    $("actions-area").hidden = answerable;
    if (!answerable) KK.renderActions($("action-list"), table.actions, S, null);
    renderStatus();
  }

  function renderStatus() {
    const el = $("answer-status");
    const card = table ? deck.cards[table.card_index] : null;
    const round = currentRound(table);
    if (table && table.status === "playing" && card.type !== "action" && round && round.status === "open") {
      el.textContent = fmt(S.answered, { answered: round.answered ?? 0, total: round.total ?? table.seats.length });
    } else {
      el.textContent = "";
    }
  }

  // A projector laptop should not fall asleep mid-game.
  async function keepAwake() {
    try {
      if ("wakeLock" in navigator && document.visibilityState === "visible") await navigator.wakeLock.request("screen");
    } catch (e) {
      /* not allowed or not supported: fine */
    }
  }
  keepAwake();
  document.addEventListener("visibilitychange", keepAwake);
})();
