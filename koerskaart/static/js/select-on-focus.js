/* KoersKaart: a read-only field with something to copy (the invitation link) selects itself when
   focused. A module rather than an inline onfocus: the Content-Security-Policy allows no inline script. */

document.querySelectorAll("input[data-select-on-focus]").forEach((input) => {
  input.addEventListener("focus", () => input.select());
});
