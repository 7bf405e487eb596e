/* Progressive enhancement for the step editors (applications and sites). Without JavaScript
 * every step still saves and checks on the server; with it:
 *  - leaving a step with unsaved changes asks for confirmation;
 *  - a mixed programme ("use: share" per line) shows its running total as you type.
 * Texts come from data- attributes, so they are translated with the page. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-editor]");
  if (!form) {
    return;
  }

  var dirty = false;
  form.addEventListener("input", function () {
    dirty = true;
  });
  form.addEventListener("submit", function () {
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  var programme = form.querySelector("textarea[name='programme']");
  var output = document.getElementById("programme-total");
  if (!programme || !output) {
    return;
  }
  function showTotal() {
    var total = 0;
    programme.value.split("\n").forEach(function (line) {
      var match = line.match(/:\s*(\d+)\s*%?\s*$/);
      if (match) {
        total += parseInt(match[1], 10);
      }
    });
    output.textContent = output.getAttribute("data-label").replace("%(total)s", String(total));
    output.classList.toggle("programme-total-off", total !== 100 && programme.value.trim() !== "");
  }
  programme.addEventListener("input", showTotal);
  showTotal();
})();
