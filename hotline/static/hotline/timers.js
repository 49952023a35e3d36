// Live timers on the desk and the wallboard: mm:ss since `data-since`, coloured at A1 thresholds.
(function () {
  function pad(n) { return String(n).padStart(2, "0"); }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".timer[data-since]").forEach(function (el) {
      var seconds = Math.max(0, Math.floor((now - Date.parse(el.dataset.since)) / 1000));
      el.textContent = Math.floor(seconds / 60) + ":" + pad(seconds % 60);
      if (el.dataset.limit) {
        el.classList.toggle("warn", now >= Date.parse(el.dataset.warn));
        el.classList.toggle("over", now >= Date.parse(el.dataset.limit));
      }
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
  document.addEventListener("hotline:updated", tick);  // the desk merges its regions itself
  document.addEventListener("DOMContentLoaded", tick);
})();
