/* The appeal change form: each preview (the main copy, then each saved variant) follows its
   copy fields as staff type, and fits its frame to its content. The saved preview is the
   readers' own template; this only mirrors text and the body's paragraphs, bold, italics and
   line breaks, rebuilt element by element, never markup typed into the form. A variant's
   blank field falls back to the main copy's, as it does for readers. */
(function () {
  "use strict";
  var TEXT = {
    heading: ".appeal__heading", greeting: ".appeal__greeting", cta_label: "[data-cta]",
    remind_label: ".appeal__later", support_label: ".appeal__supporter"
  };
  var KEPT = { P: "p", BR: "br", STRONG: "strong", B: "strong", EM: "em", I: "em", A: "a" };

  // The content's own height: the document's scrollHeight is never less than the frame's.
  function fit(frame) {
    var doc = frame.contentDocument;
    if (doc && doc.body) {
      frame.style.height = Math.ceil(doc.body.getBoundingClientRect().bottom) + 8 + "px";
    }
  }

  function value(prefix, name) {
    var own = prefix && document.getElementById("id_" + prefix + "-" + name);
    if (own && own.value.trim()) return own.value;
    var main = document.getElementById("id_" + name);
    return main ? main.value : "";
  }

  function rebuild(doc, source, target) {
    Array.prototype.forEach.call(source.childNodes, function (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        target.appendChild(doc.createTextNode(node.textContent));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        var tag = KEPT[node.tagName];
        var copy = tag ? doc.createElement(tag) : target;
        if (tag) target.appendChild(copy);
        rebuild(doc, node, copy);
      }
    });
  }

  function mirror(frame) {
    var doc = frame.contentDocument;
    if (!doc) return;
    var prefix = frame.closest(".appeal-preview-copy").dataset.prefix || "";
    Object.keys(TEXT).forEach(function (name) {
      var target = doc.querySelector(TEXT[name]);
      if (target) target.textContent = value(prefix, name);
    });
    var target = doc.querySelector(".appeal__body");
    var body = value(prefix, "body");
    if (target && body) {
      var parsed = new DOMParser().parseFromString(body, "text/html").body;
      target.replaceChildren();
      rebuild(doc, parsed, target);
    }
    fit(frame);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var frames = document.querySelectorAll("iframe.appeal-preview");
    if (!frames.length) return;
    // Refit when a frame's width changes (a narrower window wraps the copy onto more lines).
    var resized = window.ResizeObserver && new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { fit(entry.target); });
    });
    Array.prototype.forEach.call(frames, function (frame) {
      frame.addEventListener("load", function () { fit(frame); });
      fit(frame);
      if (resized) resized.observe(frame);
    });
    var update = function () { Array.prototype.forEach.call(frames, mirror); };
    var form = frames[0].closest("form");
    form.addEventListener("input", update);
    form.addEventListener("change", update);
  });
})();
