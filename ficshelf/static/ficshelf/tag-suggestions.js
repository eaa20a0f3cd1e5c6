// Tag suggestions for the posting and wrangling forms: each input with data-autocomplete
// (the tag type) in a form with data-autocomplete-url fills its <datalist> with existing tags
// matching what is typed after the last comma. A list with a data-autocomplete-url of its
// own asks there instead (collection names). The forms work without it.
(function () {
  "use strict";
  if (!window.fetch) {
    return;
  }
  var timers = new WeakMap();
  // The latest request per input: an answer to an earlier one that arrives after it (a
  // slow server, a fast typist) must not replace the newer suggestions.
  var latest = new WeakMap();

  function suggest(endpoint, input, list) {
    var value = input.value;
    var cut = value.lastIndexOf(",");
    var before = cut >= 0 ? value.slice(0, cut + 1) + " " : "";
    var term = value.slice(cut + 1).trim();
    if (term.length < 2) {
      latest.delete(input);
      list.replaceChildren();
      return;
    }
    var type = input.getAttribute("data-autocomplete");
    var url = endpoint + "?type=" + encodeURIComponent(type) + "&term=" + encodeURIComponent(term);
    latest.set(input, url);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { tags: [] };
      })
      .then(function (data) {
        if (latest.get(input) !== url) {
          return;
        }
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
      var asked = list.getAttribute("data-autocomplete-url") || endpoint;
      input.addEventListener("input", function () {
        clearTimeout(timers.get(input));
        timers.set(input, setTimeout(function () { suggest(asked, input, list); }, 200));
      });
    });
  });
})();
