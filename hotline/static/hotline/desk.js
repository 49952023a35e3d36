// The agent's desk, updated live without undoing what the agent is doing.
//
// Every answer for #desk (the 10 s poll, a floor event, a button) is the whole panel; instead of
// redrawing it, only the regions ([data-region]) that changed are replaced; a form the agent is
// using (focused, or typed in) is kept as it is (form[data-keep], same key); focus goes back to the
// same control, or to the main action when that control is gone. Notices (refusals) are added,
// never removed by an update: they stay until the agent dismisses them. Single-letter keys press
// the desk's buttons (#desk[data-keys]), never while typing in a field.
(function () {
  "use strict";
  var desk = null;
  var keys = {};
  var dismissed = {};  // notices read: an answer already on its way must not bring them back

  function regions(root) {
    var found = {};
    root.querySelectorAll("[data-region]").forEach(function (el) { found[el.dataset.region] = el; });
    return found;
  }

  // A region's markup without what changes on its own: the CSRF token (masked anew each time),
  // what the timers write, htmx's transient classes.
  function normalized(el) {
    var copy = el.cloneNode(true);
    copy.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (i) { i.remove(); });
    copy.querySelectorAll(".timer").forEach(function (t) { t.textContent = ""; t.classList.remove("warn", "over"); });
    copy.querySelectorAll("[class]").forEach(function (n) {
      n.classList.remove("htmx-request", "htmx-settling", "htmx-swapping", "htmx-added");
    });
    return copy.innerHTML;
  }

  function inUse(form) {
    if (form.contains(document.activeElement)) { return true; }
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.tagName === "BUTTON" || field.tagName === "FIELDSET") { return false; }
      if (["hidden", "submit", "button", "reset", "image"].indexOf(field.type) >= 0) { return false; }
      if (field.tagName === "SELECT") {  // one choice: the page's own, or the first option
        var initial = 0;
        Array.prototype.forEach.call(field.options, function (o, i) { if (o.defaultSelected) { initial = i; } });
        return field.selectedIndex !== initial;
      }
      if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
      return "value" in field && field.value !== field.defaultValue;
    });
  }

  function focusKey(el) {
    if (el.id) { return "#" + CSS.escape(el.id); }
    if (el.name) {
      var key = el.tagName.toLowerCase() + '[name="' + CSS.escape(el.name) + '"]';
      return el.value && el.tagName === "BUTTON" ? key + '[value="' + CSS.escape(el.value) + '"]' : key;
    }
    return null;
  }

  function mainAction() {
    var all = desk.querySelectorAll("[data-region]:not([data-region=notices]) button");
    return all.length ? all[0] : null;
  }

  function annotate(root) {
    Object.keys(keys).forEach(function (key) {
      keys[key].forEach(function (action) {
        root.querySelectorAll('button[value="' + action + '"]').forEach(function (button) {
          if (button.querySelector("kbd.key")) { return; }
          button.setAttribute("aria-keyshortcuts", key.toUpperCase());
          var hint = document.createElement("kbd");
          hint.className = "key";
          hint.setAttribute("aria-hidden", "true");
          hint.textContent = key.toUpperCase();
          button.append(" ", hint);
        });
      });
    });
  }

  function replaceRegion(current, fresh) {
    var active = document.activeElement;
    var hadFocus = current.contains(active);
    var selection = null;
    if (hadFocus && "selectionStart" in active) {
      try { selection = [active.selectionStart, active.selectionEnd, active.selectionDirection]; } catch (e) { selection = null; }
    }
    var key = hadFocus ? focusKey(active) : null;
    var kept = null;
    current.querySelectorAll("form[data-keep]").forEach(function (form) {
      var twin = fresh.querySelector('form[data-keep="' + CSS.escape(form.dataset.keep) + '"]');
      if (twin && inUse(form)) { twin.replaceWith(form); kept = form; }
    });
    current.replaceWith(fresh);
    htmx.process(fresh);
    if (!hadFocus) { return; }
    var target = kept && kept.contains(active) ? active : (key ? fresh.querySelector(key) : null);
    if (!target) { target = mainAction(); }
    if (target) {
      target.focus({ preventScroll: true });
      if (target === active && selection && selection[0] !== null) {
        try { target.setSelectionRange(selection[0], selection[1], selection[2]); } catch (e) { /* not a text field */ }
      }
    }
  }

  function mergeNotices(current, fresh) {
    fresh.querySelectorAll("[data-notice]").forEach(function (notice) {
      var key = notice.dataset.notice;
      if (!dismissed[key] && !current.querySelector('[data-notice="' + CSS.escape(key) + '"]')) {
        current.append(notice);
        htmx.process(notice);
      }
    });
  }

  // own: the answer to the agent's own button (not a live update); then, with the focus nowhere
  // in particular, it goes to the main action of the new moment (End call after Answer...).
  function merge(html, own) {
    var template = document.createElement("template");
    template.innerHTML = html;
    annotate(template.content);
    var now = regions(desk);
    var fresh = regions(template.content);
    Object.keys(fresh).forEach(function (name) {
      var current = now[name];
      if (!current) { return; }
      if (name === "notices") { mergeNotices(current, fresh[name]); return; }
      if (normalized(current) !== normalized(fresh[name])) { replaceRegion(current, fresh[name]); }
    });
    var lost = !document.activeElement || document.activeElement === document.body;
    if (own && lost) {
      var main = mainAction();
      if (main) { main.focus({ preventScroll: true }); }
    }
    document.dispatchEvent(new CustomEvent("hotline:updated"));
  }

  function dismiss(button) {
    var notice = button.closest("[data-notice]");
    var action = button.dataset.dismiss;
    if (action) {  // kept by the server (decided at the wrap-up's end): tell it it was read
      var token = desk.querySelector("input[name=csrfmiddlewaretoken]");
      var values = { action: action };
      if (token) { values.csrfmiddlewaretoken = token.value; }
      htmx.ajax("POST", desk.dataset.action, { source: desk, target: desk, values: values });
    }
    if (notice) { dismissed[notice.dataset.notice] = true; }
    var refocus = notice && notice.contains(document.activeElement);
    if (notice) { notice.remove(); }
    if (refocus) { var main = mainAction(); if (main) { main.focus(); } }
  }

  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || target.closest("input, textarea, select") !== null);
  }

  function onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
    if (typing(event.target)) { return; }
    var actions = keys[event.key.toLowerCase()];
    if (!actions) { return; }
    for (var i = 0; i < actions.length; i++) {
      var button = desk.querySelector('button[value="' + actions[i] + '"]');
      if (!button || button.disabled) { continue; }
      event.preventDefault();
      if (actions[i] === "transfer") {  // a transfer needs a colleague and a reason first
        var field = button.form.querySelector("select, input:not([type=hidden])");
        if (field) { field.focus(); }
      } else {
        button.click();
      }
      return;
    }
  }

  function onAnswer(event) {
    if (event.detail.target !== desk) { return; }
    var status = event.detail.xhr.status;
    if (status !== 200 && status !== 400 && status !== 409) { return; }
    event.detail.shouldSwap = false;
    merge(event.detail.serverResponse, event.detail.requestConfig.elt !== desk);
  }

  function start() {
    desk = document.getElementById("desk");
    if (!desk) { return; }
    keys = JSON.parse(desk.dataset.keys || "{}");
    annotate(desk);
    // htmx announces every answer on its target (#desk), whichever control asked.
    desk.addEventListener("htmx:beforeSwap", onAnswer);
    desk.addEventListener("click", function (event) {
      var button = event.target instanceof Element ? event.target.closest("button[data-dismiss]") : null;
      if (button) { event.preventDefault(); dismiss(button); }
    });
    document.addEventListener("keydown", onKey);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
