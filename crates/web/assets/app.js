// Uplink's one script, an enhancement only: buttons marked data-print print the page (without
// JavaScript the browser's own print menu does the same).
document.querySelectorAll("[data-print]").forEach(function (b) {
  b.hidden = false;
  b.addEventListener("click", function () { window.print(); });
});
