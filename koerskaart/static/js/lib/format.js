/* KoersKaart: text formatting shared by every page script. Pure: no DOM, no window,
   so the unit tests in tests/js can use it too. The strings themselves always come
   translated from the server (data.strings); this only fills them in. */

/** Fill %(name)s placeholders; unknown placeholders are left as they are. */
export function fmt(template, vars) {
  return String(template || "").replace(/%\((\w+)\)s/g, (match, key) =>
    vars && Object.prototype.hasOwnProperty.call(vars, key) ? String(vars[key]) : match
  );
}

/** m:ss */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

/** The server's text for an error code (docs/socket-protocol.md), or the generic one. */
export function errorText(strings, code) {
  return strings["error_" + code] || strings.error_unknown;
}
