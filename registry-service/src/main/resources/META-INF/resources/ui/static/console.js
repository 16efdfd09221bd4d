// ModelForge console: progressive enhancement only; every page works without it.
(function () {
  "use strict";

  // Chart marks: show the focused mark's <title> as text, so keyboard users read what hover shows.
  document.addEventListener("focusin", function (e) {
    var g = e.target;
    if (!g.matches || !g.matches(".chart g[tabindex]")) {
      return;
    }
    var figure = g.closest(".chart");
    var detail = figure && figure.querySelector(".focus-detail");
    var title = g.querySelector("title");
    if (detail && title) {
      detail.textContent = title.textContent;
    }
  });

  // Version page: live pipeline progress over server-sent events; when decided, reload once for the charts.
  var progress = document.getElementById("progress");
  if (progress && progress.dataset.done !== "true" && window.EventSource) {
    var source = new EventSource(progress.dataset.stream);
    source.onmessage = function (e) {
      var update = JSON.parse(e.data);
      progress.innerHTML = update.html;
      if (update.done) {
        source.close();
        progress.dataset.done = "true";
        window.location.reload();
      }
    };
    source.onerror = function () {
      // The browser retries on its own; a lost session ends the stream with 302 -> close and leave the page as is.
      if (source.readyState === EventSource.CLOSED) {
        progress.insertAdjacentHTML("beforeend", "<p class=\"muted small\">Live updates stopped; reload the page.</p>");
      }
    };
  }
})();
