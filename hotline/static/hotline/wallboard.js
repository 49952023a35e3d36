// The wallboard's waiting callers: as the timer runs, a row moves from "ok" to "waiting long"
// (data-warn) to "over the limit" (data-limit, A2), in colour (the row's class) and in words
// (the .wait-word cell), so colour is never the only signal. The server renders the level at
// the time of the panel; this keeps it true between refreshes.
(function () {
  function level(row, now) {
    if (now >= Date.parse(row.dataset.limit)) return "over";
    if (now >= Date.parse(row.dataset.warn)) return "warn";
    return "ok";
  }
  function tick() {
    var now = window.hotlineNow ? window.hotlineNow() : Date.now();  // timers.js: the server's clock
    document.querySelectorAll("tr.waiting[data-limit]").forEach(function (row) {
      var found = level(row, now);
      if (row.dataset.level === found) return;
      row.classList.remove("wait-ok", "wait-warn", "wait-over");
      row.classList.add("wait-" + found);
      row.dataset.level = found;
      var word = row.querySelector(".wait-word");
      if (word) word.textContent = word.dataset["word" + found.charAt(0).toUpperCase() + found.slice(1)] || "";
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
  document.addEventListener("DOMContentLoaded", tick);
})();
