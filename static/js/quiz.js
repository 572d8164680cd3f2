/* Quiz attempt page: a countdown that follows the server deadline.
 * The server sends its own clock (data-server-now) with the deadline, so a phone whose clock is
 * wrong still counts down correctly. At zero the answers already saved are submitted; the
 * server decides anyway (answers after the deadline plus grace are refused). */
(function () {
  "use strict";
  function start() {
    // Enter in a text answer saves it (htmx "change") instead of leaving the page.
    Array.prototype.forEach.call(document.querySelectorAll("form.answer"), function (f) {
      f.addEventListener("submit", function (event) {
        event.preventDefault();
        if (window.htmx) { window.htmx.trigger(f, "change"); }
      });
    });
    // A refused answer (time up, invalid) comes back as 400 with a message: show it.
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.xhr.status === 400) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
    var box = document.getElementById("countdown");
    if (!box) { return; }
    var deadline = Date.parse(box.dataset.deadline);
    var offset = Date.parse(box.dataset.serverNow) - Date.now();
    var out = box.querySelector("[data-remaining]");
    var form = document.getElementById("submit-form");
    var done = false;
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    function tick() {
      var left = Math.max(0, Math.floor((deadline - (Date.now() + offset)) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      out.textContent = (h ? h + ":" + pad(m) : m) + ":" + pad(s);
      box.classList.toggle("urgent", left <= 60);
      if (left === 0 && !done && form) {
        done = true;
        form.submit();
      }
    }
    tick();
    setInterval(tick, 1000);
    if (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button");
        if (button) { button.disabled = true; }  // one click is enough; the server is idempotent
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
