// "Continue reading". On a work's page (members with history on: the page has
// form#reading-place) it tells the archive how far down the chapter on screen the reader is,
// once they stop scrolling for a moment. A "Continue reading" link (a[data-scroll-fraction],
// on the work page and Marked for Later) opens its chapter scrolled to that place.
// Without this script the archive still keeps the last chapter opened, and the link's anchor
// opens the page at that chapter.
(function () {
  "use strict";
  var PENDING = "ficshelf-continue-reading";
  var WAIT_MS = 1500;

  function chapters() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-chapter-id]"));
  }

  // The reading line: a third of the way down the window, where eyes rest while reading.
  function readingLine() {
    return window.innerHeight / 3;
  }

  function chapterOnScreen() {
    var found = null;
    var line = readingLine();
    chapters().forEach(function (chapter) {
      if (found === null || chapter.getBoundingClientRect().top <= line) {
        found = chapter;
      }
    });
    return found;
  }

  function fractionDown(chapter) {
    var box = chapter.getBoundingClientRect();
    if (box.height <= 0) {
      return 0;
    }
    return Math.min(1, Math.max(0, (readingLine() - box.top) / box.height));
  }

  function scrollToPlace(chapter, fraction) {
    var box = chapter.getBoundingClientRect();
    var top = window.pageYOffset + box.top + fraction * box.height - readingLine();
    window.scrollTo(0, Math.max(0, top));
  }

  // Sending the place.
  var form = document.getElementById("reading-place");
  var timer = null;
  var lastSent = "";

  function send(leaving) {
    timer = null;
    var chapter = chapterOnScreen();
    if (!form || !chapter) {
      return;
    }
    var fraction = fractionDown(chapter).toFixed(4);
    var place = chapter.getAttribute("data-chapter-id") + ":" + fraction;
    if (place === lastSent) {
      return;
    }
    lastSent = place;
    var body = new FormData(form);
    body.append("chapter", chapter.getAttribute("data-chapter-id"));
    body.append("fraction", fraction);
    // keepalive: a page being left still finishes telling where the reader stopped.
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      keepalive: Boolean(leaving),
    }).catch(function () {
      lastSent = ""; // tried again on the next pause
    });
  }

  function sendSoon() {
    if (timer !== null) {
      clearTimeout(timer);
    }
    timer = setTimeout(send, WAIT_MS);
  }

  if (form) {
    window.addEventListener("scroll", sendSoon, { passive: true });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && timer !== null) {
        clearTimeout(timer);
        send(true);
      }
    });
  }

  // Following a "Continue reading" link.
  function placeOf(link) {
    var url = new URL(link.href, window.location.href);
    return {
      path: url.pathname,
      id: url.hash.slice(1),
      fraction: parseFloat(link.getAttribute("data-scroll-fraction")) || 0,
    };
  }

  function goTo(place) {
    var chapter = (place.id && document.getElementById(place.id)) || chapterOnScreen();
    if (chapter) {
      scrollToPlace(chapter, place.fraction);
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-scroll-fraction]") : null;
    if (!link) {
      return;
    }
    var place = placeOf(link);
    if (place.path === window.location.pathname) {
      event.preventDefault();
      goTo(place);
      return;
    }
    try {
      window.sessionStorage.setItem(PENDING, JSON.stringify(place));
    } catch (e) {
      // No storage (a private window's quota): the anchor still opens the chapter.
    }
  });

  function arrive() {
    var place = null;
    try {
      place = JSON.parse(window.sessionStorage.getItem(PENDING) || "null");
    } catch (e) {
      place = null;
    }
    if (!place || place.path !== window.location.pathname) {
      return;
    }
    // After the browser's own jump to the anchor, and again once images have their size.
    window.requestAnimationFrame(function () {
      goTo(place);
    });
    window.addEventListener("load", function () {
      goTo(place);
      try {
        window.sessionStorage.removeItem(PENDING);
      } catch (e) {
        // nothing kept to remove
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", arrive);
  } else {
    arrive();
  }
})();
