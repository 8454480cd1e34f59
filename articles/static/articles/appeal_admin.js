/* The appeal change form: the preview follows the copy fields as staff type, and fits its
   frame to its content. The saved preview is the readers' own template; this only mirrors
   text (the body as plain paragraphs), never markup typed into the form. */
(function () {
  "use strict";
  var TEXT = {
    heading: ".appeal__heading", greeting: ".appeal__greeting", cta_label: "[data-cta]",
    remind_label: ".appeal__later", support_label: ".appeal__supporter"
  };

  function fit(frame) {
    var doc = frame.contentDocument;
    if (doc && doc.body) frame.style.height = doc.documentElement.scrollHeight + 8 + "px";
  }

  function mirror(frame) {
    var doc = frame.contentDocument;
    if (!doc) return;
    Object.keys(TEXT).forEach(function (name) {
      var field = document.getElementById("id_" + name);
      var target = doc.querySelector(TEXT[name]);
      if (field && target) target.textContent = field.value;
    });
    var body = document.getElementById("id_body");
    var target = doc.querySelector(".appeal__body");
    if (body && target) {
      var parsed = new DOMParser().parseFromString(body.value, "text/html");
      var paragraphs = Array.prototype.map.call(parsed.body.querySelectorAll("p"), function (p) {
        var copy = doc.createElement("p");
        copy.textContent = p.textContent;
        return copy;
      });
      if (paragraphs.length) target.replaceChildren.apply(target, paragraphs);
    }
    fit(frame);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var frame = document.querySelector("iframe.appeal-preview");
    if (!frame) return;
    frame.addEventListener("load", function () { fit(frame); });
    fit(frame);
    var form = frame.closest("form");
    var update = function () { mirror(frame); };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
  });
})();
