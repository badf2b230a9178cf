// Public feedback form: a live character count for the description, and one submission per click.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("textarea[data-counter]");
    if (box) {
      var out = document.getElementById(box.getAttribute("data-counter"));
      var limit = parseInt(box.getAttribute("maxlength"), 10);
      var show = function () {
        out.firstElementChild.textContent = Array.from(box.value).length + " / " + limit;
      };
      out.hidden = false;
      box.addEventListener("input", show);
      show();
    }
    var form = document.getElementById("feedback-form");
    if (form) {
      form.addEventListener("submit", function () {
        var button = document.getElementById("send");
        // Disabled after this event, so the browser still sends the form.
        window.setTimeout(function () {
          button.disabled = true;
          button.textContent = button.getAttribute("data-sending");
        }, 0);
      });
      // Coming back to the page (the back button) shows it from memory: the button must work again.
      window.addEventListener("pageshow", function () {
        var button = document.getElementById("send");
        button.disabled = false;
        button.textContent = button.getAttribute("data-label");
      });
    }
  });
})();
