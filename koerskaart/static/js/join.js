/* KoersKaart: the join form. A code in the URL fragment (/join#K7XM-Q4TZ, from the QR
   code or the join link) fills the code field; the fragment never reaches a server log. */
(function () {
  "use strict";

  const input = document.querySelector("input[data-join-code]");
  if (!input) return;

  const clean = (value) => value.toUpperCase().replace(/[^0-9A-Z-]/g, "");

  // Upper-case as people type; the server accepts any case, spaces and dashes anyway.
  input.addEventListener("input", () => {
    const start = input.selectionStart;
    const cleaned = input.value.toUpperCase();
    if (cleaned !== input.value) {
      input.value = cleaned;
      if (start !== null) input.setSelectionRange(start, start);
    }
  });

  const fromHash = clean(decodeURIComponent(location.hash.replace(/^#/, "")));
  if (fromHash) {
    input.value = fromHash;
    const form = input.form;
    const nickname = form && form.querySelector('input[name="nickname"]');
    if (nickname) nickname.focus();
    // keep the code out of the address bar once it is in the form
    history.replaceState(null, "", location.pathname + location.search);
  }

  // Switching language keeps the code: the link carries it in its fragment, which the browser
  // keeps across the switch's redirect (and which never reaches the server), so this page
  // fills the field again in the other language.
  document.querySelectorAll("a[data-keep-hash]").forEach((link) => {
    link.addEventListener("click", () => {
      const code = clean(input.value);
      link.href = link.href.split("#")[0] + (code ? "#" + encodeURIComponent(code) : "");
    });
  });
})();
