// Uplink's one script, an enhancement only: buttons marked data-print print the page (without
// JavaScript the browser's own print menu does the same), and window countdowns tick.
document.querySelectorAll("[data-print]").forEach(function (b) {
  b.hidden = false;
  b.addEventListener("click", function () { window.print(); });
});

// Countdowns to a pre-order window's close: the server wrote the time left when it rendered the
// page; this keeps it current from the templates the element carries ({d}, {h}, {m}).
document.querySelectorAll("[data-closes]").forEach(function (e) {
  function tick() {
    var s = Math.floor((+e.dataset.closes - Date.now()) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    e.textContent = s <= 0 ? e.dataset.x
      : (d > 0 ? e.dataset.d : e.dataset.h).replace("{d}", d).replace("{h}", h).replace("{m}", m);
  }
  tick();
  setInterval(tick, 30000);
});
