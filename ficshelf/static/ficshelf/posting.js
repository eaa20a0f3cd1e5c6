// Tag suggestions for the posting form: fills each tag field's <datalist> with existing
// tags matching the name being typed after the last comma. The form works without it.
(function () {
  "use strict";
  var form = document.querySelector(".posting-form");
  if (!form || !window.fetch) {
    return;
  }
  var endpoint = form.getAttribute("data-autocomplete-url");
  if (!endpoint) {
    return;
  }
  var timers = new WeakMap();

  function suggest(input) {
    var type = input.getAttribute("data-autocomplete");
    var list = document.getElementById("tag-suggestions-" + type);
    if (!list) {
      return;
    }
    var value = input.value;
    var cut = value.lastIndexOf(",");
    var before = cut >= 0 ? value.slice(0, cut + 1) + " " : "";
    var term = value.slice(cut + 1).trim();
    if (term.length < 2) {
      list.replaceChildren();
      return;
    }
    var url = endpoint + "?type=" + encodeURIComponent(type) + "&term=" + encodeURIComponent(term);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { tags: [] };
      })
      .then(function (data) {
        var options = (data.tags || []).map(function (name) {
          var option = document.createElement("option");
          // The whole field's value: earlier tags stay when a suggestion is chosen.
          option.value = before + name;
          return option;
        });
        list.replaceChildren.apply(list, options);
      })
      .catch(function () {});
  }

  form.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timers.get(input));
      timers.set(input, setTimeout(function () { suggest(input); }, 200));
    });
  });
})();
