// Tag suggestions for the posting and wrangling forms: each input with data-autocomplete
// (the tag type) in a form with data-autocomplete-url fills its <datalist> with existing tags
// matching what is typed after the last comma. The forms work without it.
(function () {
  "use strict";
  if (!window.fetch) {
    return;
  }
  var timers = new WeakMap();

  function suggest(endpoint, input, list) {
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
          // The whole field's value: earlier tags stay when a suggestion is chosen.
          option.value = before + name;
          return option;
        });
        list.replaceChildren.apply(list, options);
      })
      .catch(function () {});
  }

  document.querySelectorAll("form[data-autocomplete-url]").forEach(function (form) {
    var endpoint = form.getAttribute("data-autocomplete-url");
    form.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
      // The posting form names the list on the input; the wrangling form by field name.
      var list = input.list || document.getElementById("tag-suggestions-" + input.name);
      if (!list) {
        return;
      }
      input.setAttribute("list", list.id);
      input.addEventListener("input", function () {
        clearTimeout(timers.get(input));
        timers.set(input, setTimeout(function () { suggest(endpoint, input, list); }, 200));
      });
    });
  });
})();
