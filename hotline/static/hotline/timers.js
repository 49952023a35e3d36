// Live timers on the desk and the wallboard: mm:ss since `data-since`, coloured at A1 thresholds.
// Times count on the server's clock: the page says what it was when it was drawn
// (body[data-server-now], ms), and the browser's clock only measures what has passed since, so
// a PC clock minutes off shows the same timers and A1 colours as the server decides by.
(function () {
  var drawn = Number(document.body && document.body.dataset.serverNow);
  var navigation = window.performance && performance.getEntriesByType
    ? performance.getEntriesByType("navigation")[0] : null;
  // When the page's answer began to arrive, on the browser's clock (else: now).
  var arrived = navigation ? performance.timeOrigin + navigation.responseStart : Date.now();
  var offset = drawn ? drawn - arrived : 0;
  window.hotlineNow = function () { return Date.now() + offset; };
})();
(function () {
  function pad(n) { return String(n).padStart(2, "0"); }
  function tick() {
    var now = window.hotlineNow();
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
