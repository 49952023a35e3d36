// Behaviour the pages once wrote inline (onchange="..."), which the Content-Security-Policy
// forbids: a <select data-submit-on-change> submits its form when a value is picked.
// Delegated from the document, so it also works in content htmx swaps in later.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLElement && field.hasAttribute("data-submit-on-change") && field.form) {
    field.form.requestSubmit();
  }
});
