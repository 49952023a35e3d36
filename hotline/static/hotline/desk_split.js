// The desk's case pane and wrap-up show a form sent back with a 400 (bad input, what was typed
// kept), which htmx's configuration otherwise leaves unswapped (base.html: 4xx is an error).
// Only for requests from inside an element marked data-swap-bad-input.
document.addEventListener("htmx:beforeSwap", function (event) {
  var detail = event.detail;
  var source = detail.requestConfig && detail.requestConfig.elt;
  if (detail.xhr.status === 400 && source instanceof Element && source.closest("[data-swap-bad-input]")) {
    detail.shouldSwap = true;
    detail.isError = false;
  }
});
