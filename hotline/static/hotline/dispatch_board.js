// The dispatch board refreshes its lists by itself (htmx: the "board-refresh" event fetches the
// page and swaps #board-live), every data-refresh-seconds, but never while the dispatcher is at
// work in them: a field with focus, a provider or channel chosen, a reason typed, a send-back
// form opened. Those would be lost in the swap; the refresh waits until they are sent or left.
(function () {
  var waited = 0;
  function busy(live) {
    if (live.contains(document.activeElement) && document.activeElement !== live) {
      var tag = document.activeElement.tagName;
      if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || tag === "BUTTON") return true;
    }
    if (live.querySelector("details[open]")) return true;
    var fields = live.querySelectorAll("input:not([type=hidden]), select, textarea");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.tagName === "SELECT") {
        var chosen = f.options[f.selectedIndex];
        var byDefault = Array.prototype.some.call(f.options, function (o) { return o.defaultSelected; });
        if (chosen && (byDefault ? !chosen.defaultSelected : f.selectedIndex > 0)) return true;
      } else if (f.value !== f.defaultValue) {
        return true;
      }
    }
    return false;
  }
  function tick() {
    var live = document.getElementById("board-live");
    if (!live || !window.htmx) return;
    waited += 1;
    var every = parseInt(live.dataset.refreshSeconds || "30", 10);
    if (waited < every) return;
    if (busy(live)) return;  // try again next second
    waited = 0;
    window.htmx.trigger(live, "board-refresh");
  }
  setInterval(tick, 1000);
})();
