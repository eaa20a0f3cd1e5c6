// Tag suggestions for the wrangling form: each name field with data-autocomplete gets a
// <datalist> of existing tags matching what is typed after the last comma. The form works
// without it.
(function () {
  "use strict";
  var form = document.querySelector(".wrangling-form");
  if (!form || !window.fetch) {
    return;
  }
  var endpoint = form.getAttribute("data-autocomplete-url");
  var timers = new WeakMap();

  function suggest(input, list) {
    var value = input.value;
    var cut = value.lastIndexOf(",");
    var before = cut >= 0 ? value.slice(0, cut + 1) + " " : "";
    var term = value.slice(cut + 1).trim();
    if (term.length < 2) {
      list.replaceChildren();
      return;
    }
    var type = input.getAttribute("data-autocomplete");
    var url = endpoint + "?type=" + encodeURIComponent(type) + "&term=" + encodeURIComponent(term);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { tags: [] };
      })
      .then(function (data) {
        var options = (data.tags || []).map(function (name) {
          var option = document.createElement("option");
          option.value = before + name;
          return option;
        });
        list.replaceChildren.apply(list, options);
      })
      .catch(function () {});
  }

  form.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var list = document.getElementById("tag-suggestions-" + input.name);
    if (!list) {
      return;
    }
    input.setAttribute("list", list.id);
    input.addEventListener("input", function () {
      clearTimeout(timers.get(input));
      timers.set(input, setTimeout(function () { suggest(input, list); }, 200));
    });
  });
})();
