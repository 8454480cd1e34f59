// Click-to-load embeds: a facade until the reader asks, then the provider's frame, built
// here from the address the server derived (data-frame). Nothing third-party loads before.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-embed-load]");
    if (!button) return;
    var figure = button.closest("[data-embed-facade]");
    var frame = document.createElement("iframe");
    frame.className = "embed__frame";
    frame.src = figure.dataset.frame;
    frame.title = figure.dataset.title;
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.setAttribute("allowfullscreen", "");
    if (figure.dataset.height) frame.height = figure.dataset.height;
    figure.replaceChildren(frame);
    frame.focus();
  });
})();
