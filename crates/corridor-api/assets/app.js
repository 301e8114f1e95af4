// Live countdowns: an element with data-seconds-left shows the time left,
// counted down from when the page was made (the server's clock decides the
// deadline; the browser only counts the seconds since).
(function () {
  "use strict";
  var started = Date.now();
  function text(seconds) {
    if (seconds <= 0) { return "overdue"; }
    var d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600),
        m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    if (d > 0) { return d + "d " + h + "h"; }
    if (h > 0) { return h + "h " + m + "m"; }
    if (m > 0) { return m + "m " + s + "s"; }
    return s + "s";
  }
  function tick() {
    var elapsed = Math.floor((Date.now() - started) / 1000);
    document.querySelectorAll("[data-seconds-left]").forEach(function (el) {
      var left = parseInt(el.getAttribute("data-seconds-left"), 10) - elapsed;
      el.textContent = text(left);
      var id = el.getAttribute("data-disable-when-expired");
      if (left <= 0 && id && document.getElementById(id)) {
        document.getElementById(id).disabled = true;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
  });
})();
