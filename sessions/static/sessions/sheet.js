// Attendance sheet: "mark everyone without a record" and "everyone in vicon room" shortcuts.
document.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("all-status");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("select.st").forEach(function (s) {
        if (!s.dataset.recorded) { s.value = all.value; }
      });
    });
  }
  var vicon = document.getElementById("all-vicon");
  if (vicon) {
    vicon.addEventListener("change", function () {
      document.querySelectorAll("select.vc").forEach(function (s) { s.value = vicon.value; });
    });
  }
});
