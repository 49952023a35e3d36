// The top menu's drop-downs are <details> (they open and close with no script); this only
// closes an open one when the user clicks elsewhere or presses Escape, as menus do.
(function () {
  function openMenus() {
    return document.querySelectorAll("details[data-menu-closes][open]");
  }
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openMenus().forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      menu.removeAttribute("open");
      if (hadFocus) menu.querySelector("summary").focus();
    });
  });
})();
