// Reordering a list of numbered rows (a series' works) by dragging them, or with "Move up"
// and "Move down" buttons for keyboards: either way the rows' part-number inputs are
// renumbered 1, 2, 3 in their new order, and the form is sent as without this script
// (which only spares the writer typing the numbers).
(function () {
  "use strict";

  function rows(list) {
    return Array.from(list.querySelectorAll(":scope > li"));
  }

  function renumber(list) {
    rows(list).forEach(function (row, index) {
      var input = row.querySelector("input.position-input");
      if (input) {
        input.value = String(index + 1);
      }
    });
  }

  function button(label, title, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "reorder-move";
    b.textContent = label;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", onClick);
    return b;
  }

  function enhance(list) {
    var dragged = null;
    var status = document.createElement("p");
    status.className = "landmark";
    status.setAttribute("aria-live", "polite");
    list.insertAdjacentElement("afterend", status);

    rows(list).forEach(function (row) {
      var name = row.getAttribute("data-reorder-name") || "this row";
      row.draggable = true;
      row.classList.add("reorder-row");
      var moves = document.createElement("span");
      moves.className = "reorder-moves";
      moves.appendChild(button("↑", "Move " + name + " up", function () {
        var previous = row.previousElementSibling;
        if (previous) {
          list.insertBefore(row, previous);
          renumber(list);
          status.textContent = name + " moved up.";
        }
      }));
      moves.appendChild(button("↓", "Move " + name + " down", function () {
        var next = row.nextElementSibling;
        if (next) {
          list.insertBefore(next, row);
          renumber(list);
          status.textContent = name + " moved down.";
        }
      }));
      row.appendChild(moves);
      row.addEventListener("dragstart", function (event) {
        dragged = row;
        row.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", name);
      });
      row.addEventListener("dragend", function () {
        row.classList.remove("dragging");
        dragged = null;
        renumber(list);
      });
      row.addEventListener("dragover", function (event) {
        if (!dragged || dragged === row) {
          return;
        }
        event.preventDefault();
        var box = row.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? row.nextElementSibling : row);
      });
      row.addEventListener("drop", function (event) {
        event.preventDefault();
      });
    });
  }

  document.querySelectorAll("[data-reorder]").forEach(enhance);
})();
