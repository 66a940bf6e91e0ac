/* KoersKaart: the Socket.IO connection to the /play namespace, or /conference for the
   event's big screen (docs/socket-protocol.md).
   WebSocket transport only; commands always resolve to the server's acknowledgement or
   to {ok: false, error: "offline" | "timeout" | "unknown"}, never reject. After a
   disconnect by the server ("io server disconnect": a restart, a logout elsewhere) it
   connects again after a second, to be judged afresh. */

export const ACK_TIMEOUT = 5000; // ms
const RECONNECT_AFTER_SERVER_DISCONNECT = 1000; // ms

/**
 * Open the connection. `io` is the vendored socket.io client (window.io, a classic script);
 * returns null when it is missing. The callbacks say how the connection is doing:
 *   connected(again)   the namespace is connected; again: not the first time
 *   lost()             the connection dropped; the client is reconnecting
 *   connecting(again)  a (re)connection attempt failed; still trying
 *   refused()          the server refused us (no seat, wrong key): not worth retrying
 * After stop() no callback and no server event is delivered any more.
 * `namespace` is "/play" unless given ("/conference": the event's big screen).
 */
export function connect(io, auth, callbacks, namespace = "/play") {
  if (typeof io !== "function") return null;
  const socket = io(namespace, { transports: ["websocket"], auth });
  let everConnected = false;
  let stopped = false;

  socket.on("connect", () => {
    const again = everConnected;
    everConnected = true;
    if (callbacks.connected) callbacks.connected(again);
  });

  socket.on("disconnect", (reason) => {
    if (stopped) return;
    if (callbacks.lost) callbacks.lost();
    if (reason === "io server disconnect") {
      // The server closed us without a removal notice: try again; a refusal then
      // arrives as connect_error and ends the page.
      window.setTimeout(() => {
        if (!stopped && !socket.connected) socket.connect();
      }, RECONNECT_AFTER_SERVER_DISCONNECT);
    }
  });

  socket.on("connect_error", () => {
    if (stopped) return;
    if (!socket.active) {
      if (callbacks.refused) callbacks.refused();
    } else if (callbacks.connecting) {
      callbacks.connecting(everConnected);
    }
  });

  return {
    get connected() {
      return socket.connected;
    },

    /** Listen to a server event; ignored once stopped. */
    on(event, handler) {
      socket.on(event, (...args) => {
        if (!stopped) handler(...args);
      });
    },

    /** Send one event; always resolves to the server's ack or {ok: false, error}. */
    request(event, payload) {
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
    },

    /** Stop for good (refused, removed, left): no more events, no reconnecting. */
    stop() {
      stopped = true;
      if (socket.connected || socket.active) socket.disconnect();
    },

    get stopped() {
      return stopped;
    },
  };
}
