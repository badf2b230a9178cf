/* Duplicates queue: ticking a group ticks each of its pairs, and unticking one pair unticks the group (the server
   also reads the group's tick, so the page decides the same without JavaScript). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches) { return; }
    var cluster = box.closest(".cluster");
    if (!cluster) { return; }
    if (box.matches("input[data-cluster-all]")) {
      cluster.querySelectorAll("input[name=pair]").forEach(function (pair) { pair.checked = box.checked; });
    } else if (box.matches("input[name=pair]") && !box.checked) {
      cluster.querySelector("input[data-cluster-all]").checked = false;
    }
  });
}());
