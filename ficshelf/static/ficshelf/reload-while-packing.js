// The "Download my data" page while the worker packs the zip: the page is loaded again every
// few seconds (the number in data-reload-seconds) until the zip is there, so the progress
// moves and the download link appears. Without JavaScript the page says to reload it; the
// inbox tells the member when the zip is ready either way.
(function () {
  "use strict";
  var marker = document.querySelector("[data-reload-seconds]");
  if (!marker) {
    return;
  }
  var seconds = parseInt(marker.getAttribute("data-reload-seconds"), 10) || 3;
  window.setTimeout(function () {
    window.location.reload();
  }, seconds * 1000);
})();
