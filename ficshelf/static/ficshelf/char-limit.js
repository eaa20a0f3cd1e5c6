// A countdown under every textarea with data-char-limit: "9,512 characters left", and
// "38 characters over the limit" past it. The server checks the same limit and says so,
// so the forms work without this; it only lets a writer see the limit coming. Characters
// are counted as the server counts them: code points, a line break as one.
(function () {
  "use strict";
  var format = new Intl.NumberFormat("en");

  function attach(area) {
    var limit = parseInt(area.getAttribute("data-char-limit"), 10);
    // A page may load this script more than once (one per form that needs it).
    if (!(limit > 0) || area.hasAttribute("data-char-count-on")) {
      return;
    }
    area.setAttribute("data-char-count-on", "");
    var counter = document.createElement("span");
    counter.className = "char-count";
    counter.id = (area.id || "text") + "-char-count";
    counter.setAttribute("aria-live", "polite");
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    area.insertAdjacentElement("afterend", counter);

    function update() {
      var left = limit - Array.from(area.value).length;
      var over = left < 0;
      var count = format.format(Math.abs(left));
      var noun = Math.abs(left) === 1 ? " character" : " characters";
      counter.textContent = count + noun + (over ? " over the limit" : " left");
      counter.classList.toggle("over", over);
    }
    area.addEventListener("input", update);
    update();
  }

  function start() {
    document.querySelectorAll("textarea[data-char-limit]").forEach(attach);
  }
  // A form put into the page later (an inline reply, comment-replies.js) says so.
  document.addEventListener("ficshelf:content-added", function (event) {
    event.target.querySelectorAll("textarea[data-char-limit]").forEach(attach);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
