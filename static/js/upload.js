/* Upload forms with a progress bar.
 *
 * A form marked `data-upload` is sent with XMLHttpRequest so its <progress data-upload-progress>
 * can follow the bytes going out. The server answers such requests (X-Requested-With:
 * XMLHttpRequest) with JSON: {"redirect": url} on success, {"errors": [...]} with status 400.
 * Without JavaScript the form posts normally and the page shows the same errors.
 */
(function () {
  "use strict";

  function showErrors(list, messages) {
    if (!list) { return; }
    list.textContent = "";
    messages.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    list.hidden = messages.length === 0;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-upload]") || !window.FormData) { return; }
    event.preventDefault();

    var progress = form.querySelector("[data-upload-progress]");
    var status = form.querySelector("[data-upload-status]");
    var errors = form.querySelector("[data-upload-errors]");
    var button = form.querySelector("button[type=submit]");
    var xhr = new XMLHttpRequest();

    function finish(messages) {
      if (button) { button.disabled = false; }
      if (progress) { progress.hidden = true; }
      if (status) { status.textContent = ""; }
      showErrors(errors, messages);
    }

    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable || !progress) { return; }
      progress.max = e.total;
      progress.value = e.loaded;
      if (status) { status.textContent = Math.floor((100 * e.loaded) / e.total) + "%"; }
    });
    xhr.upload.addEventListener("load", function () {
      if (status) { status.textContent = form.dataset.msgDone || ""; }
    });
    xhr.addEventListener("load", function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (ignored) { data = null; }
      if (xhr.status >= 200 && xhr.status < 300 && data && data.redirect) {
        window.location.assign(data.redirect);
        return;
      }
      finish((data && data.errors && data.errors.length) ? data.errors : [form.dataset.msgFailed || "Upload failed."]);
    });
    xhr.addEventListener("error", function () {
      finish([form.dataset.msgNetwork || "Connection lost."]);
    });

    showErrors(errors, []);
    if (button) { button.disabled = true; }
    if (progress) { progress.hidden = false; progress.value = 0; }
    xhr.send(new FormData(form));
  });
}());
