/* KoersKaart: links shown once (a share link, an invitation link). Loaded on every page by
   base.html: the Content-Security-Policy allows no inline script or event handler, so what
   used to be inline lives here. */
(function () {
  "use strict";

  // A read-only link field selects itself when focused, ready to copy.
  document.querySelectorAll("input[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () {
      input.select();
    });
  });

  var button = document.getElementById("copy-share-link");
  var input = document.getElementById("share-link");
  var status = document.getElementById("copy-share-status");
  if (!button || !input || !status) return;
  button.addEventListener("click", function () {
    var done = function (message) {
      status.textContent = message;
      window.setTimeout(function () { status.textContent = ""; }, 5000);
    };
    var fallback = function () {
      input.focus();
      input.select();
      done(button.dataset.failed);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { done(button.dataset.copied); }, fallback);
    } else {
      fallback();
    }
  });
})();
