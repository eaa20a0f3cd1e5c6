// Replies without leaving the work: a comment's Reply link (a[data-inline-reply]) opens the
// reply form under the comment, taken from the reply page itself (so its CSRF token and
// spam-guard stamp are the server's own), and sends it with fetch; the new reply then
// appears in its thread. Without this script the link opens the reply page, which works
// as it always has. A refusal (too quick, too long, too many) shows in the form, with
// what was typed kept.
(function () {
  "use strict";

  function parse(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }

  function status() {
    var region = document.getElementById("comment-reply-status");
    if (!region) {
      region = document.createElement("div");
      region.id = "comment-reply-status";
      region.className = "landmark";
      region.setAttribute("role", "status");
      var comments = document.getElementById("comments") || document.body;
      comments.appendChild(region);
    }
    return region;
  }

  function announce(text) {
    status().textContent = text;
  }

  // The fetched form's ids would repeat the page's own comment form's (id_text...): each
  // gets the comment's number, and labels and descriptions follow.
  function renumber(form, suffix) {
    form.querySelectorAll("[id]").forEach(function (element) {
      element.id = element.id + suffix;
    });
    form.querySelectorAll("label[for]").forEach(function (label) {
      label.htmlFor = label.htmlFor + suffix;
    });
    form.querySelectorAll("[aria-describedby]").forEach(function (element) {
      var ids = element.getAttribute("aria-describedby").split(/\s+/);
      element.setAttribute(
        "aria-describedby",
        ids
          .map(function (id) {
            return id + suffix;
          })
          .join(" ")
      );
    });
  }

  function adopt(fetchedForm, commentId) {
    var form = document.importNode(fetchedForm, true);
    form.querySelectorAll("script").forEach(function (script) {
      script.remove(); // this page has its scripts already
    });
    renumber(form, "-reply-" + commentId);
    return form;
  }

  function refusalNote(text) {
    var note = document.createElement("p");
    note.className = "notice comment-refusal";
    note.setAttribute("role", "alert");
    note.textContent = text;
    return note;
  }

  function textBox(box) {
    return box.querySelector("textarea");
  }

  function openBox(item, link, fetched, heading) {
    var commentId = link.getAttribute("data-inline-reply");
    var box = document.createElement("div");
    box.className = "inline-reply";
    var title = document.createElement("p");
    title.className = "inline-reply-heading";
    title.textContent = heading;
    box.appendChild(title);
    var form = adopt(fetched, commentId);
    box.appendChild(form);
    wire(box, form, item, link);
    var article = item.querySelector(":scope > article");
    (article || item.firstChild).after(box);
    box.dispatchEvent(new CustomEvent("ficshelf:content-added", { bubbles: true }));
    var area = textBox(box);
    if (area) {
      area.focus();
    }
  }

  function cancelButton(box, link) {
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () {
      box.remove();
      link.focus();
    });
    return cancel;
  }

  function wire(box, form, item, link) {
    var submit = form.querySelector("button[type=submit]");
    if (submit) {
      submit.after(document.createTextNode(" "), cancelButton(box, link));
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (submit) {
        submit.disabled = true;
      }
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.text().then(function (text) {
            return { ok: response.ok, doc: parse(text) };
          });
        })
        .then(function (answer) {
          if (answer.ok) {
            posted(answer.doc, box, item);
          } else {
            refused(answer.doc, box, form, item, link);
          }
        })
        .catch(function () {
          if (submit) {
            submit.disabled = false;
          }
          box.insertBefore(
            refusalNote("The reply could not be sent. Check your connection and try again."),
            form
          );
        });
    });
  }

  function refused(doc, box, form, item, link) {
    box.querySelectorAll(".comment-refusal").forEach(function (note) {
      note.remove();
    });
    var refusal = doc.querySelector(".comment-refusal");
    var again = doc.querySelector("form.comment-form");
    if (again) {
      // The form as the server sent it back: its errors, what was typed, a fresh stamp.
      var fresh = adopt(again, link.getAttribute("data-inline-reply"));
      form.replaceWith(fresh);
      wire(box, fresh, item, link);
      box.dispatchEvent(new CustomEvent("ficshelf:content-added", { bubbles: true }));
      form = fresh;
    } else {
      var submit = form.querySelector("button[type=submit]");
      if (submit) {
        submit.disabled = false;
      }
    }
    if (refusal) {
      box.insertBefore(refusalNote(refusal.textContent.trim()), form);
    }
    var error = box.querySelector(".comment-refusal, .error, .form-errors");
    announce(error ? error.textContent.trim() : "Your reply was not posted.");
    var area = textBox(box);
    if (area) {
      area.focus();
    }
  }

  function posted(doc, box, item) {
    var replies = doc.querySelectorAll("#" + item.id + " > ol.thread > li.comment");
    var added = null;
    replies.forEach(function (reply) {
      if (!document.getElementById(reply.id)) {
        added = reply;
      }
    });
    var heading = doc.getElementById("comments-heading");
    var shownHeading = document.getElementById("comments-heading");
    if (heading && shownHeading) {
      shownHeading.textContent = heading.textContent;
    }
    if (!added) {
      // Held for moderation or awaiting the creator's approval: the page says so.
      var flash = doc.querySelector(".flash-messages");
      box.replaceChildren(refusalNote(flash ? flash.textContent.trim() : "Your reply was sent."));
      announce(box.textContent.trim());
      return;
    }
    var thread = item.querySelector(":scope > ol.thread");
    if (!thread) {
      thread = document.createElement("ol");
      thread.className = "thread";
      item.appendChild(thread);
    }
    var reply = document.importNode(added, true);
    thread.appendChild(reply);
    box.remove();
    var article = reply.querySelector("article") || reply;
    article.setAttribute("tabindex", "-1");
    article.focus();
    announce("Your reply was posted.");
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-inline-reply]") : null;
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    var item = document.getElementById("comment_" + link.getAttribute("data-inline-reply"));
    if (!item) {
      return;
    }
    event.preventDefault();
    var open = item.querySelector(":scope > .inline-reply");
    if (open) {
      var area = textBox(open);
      if (area) {
        area.focus();
      }
      return;
    }
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        return response.text();
      })
      .then(function (text) {
        var doc = parse(text);
        var form = doc.querySelector("form.comment-form");
        var heading = doc.querySelector("#main h1");
        if (form) {
          openBox(item, link, form, heading ? heading.textContent.trim() : "Reply");
          return;
        }
        var refusal = doc.querySelector(".comment-refusal");
        if (!refusal) {
          window.location.href = link.href;
          return;
        }
        var box = document.createElement("div");
        box.className = "inline-reply";
        box.appendChild(refusalNote(refusal.textContent.trim()));
        (item.querySelector(":scope > article") || item.firstChild).after(box);
      })
      .catch(function () {
        window.location.href = link.href; // the reply page, as without this script
      });
  });
})();
