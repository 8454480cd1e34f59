// Autosave: the story form's words go to a private slot (one per person and story) a few
// seconds after typing stops, at least every 15 s while it goes on, and when the page is left
// (admin/live.py). Saving the form clears the slot on the server; nothing is sent after it.
"use strict";
(function () {
  function start() {
    const status = document.getElementById("story-autosave");
    const form = document.querySelector("#story_form, form#story_form, #content-main form");
    if (!status || !status.dataset.url || !form) return;
    const PAUSE = 3000, LONGEST = 15000;
    let dirty = false, submitting = false, timer = null, firstChange = 0;

    function value(name) {
      const field = form.elements.namedItem(name);
      return field && "value" in field ? field.value : "";
    }

    function body() {
      const editor = form.querySelector(".field-body [contenteditable=true]");
      return editor ? editor.innerHTML : value("body");
    }

    function payload() {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", value("csrfmiddlewaretoken"));
      for (const name of ["headline", "standfirst", "dateline", "loaded_version"]) {
        data.append(name, value(name));
      }
      data.append("body", body());
      return data;
    }

    function save() {
      clearTimeout(timer);
      timer = null;
      if (!dirty || submitting) return;
      dirty = false;
      firstChange = 0;
      fetch(status.dataset.url, {method: "POST", body: payload(), credentials: "same-origin",
                                 keepalive: true})
        .then((response) => response.json().then((answer) => ({response, answer})))
        .then(({response, answer}) => {
          if (!response.ok) throw new Error(answer.error || "not saved");
          const at = new Date(answer.saved_at);
          status.textContent = "Unsaved text kept at " +
            at.toLocaleTimeString("en-GB", {hour: "2-digit", minute: "2-digit"}) +
            " (only you can see it; save the story to keep it for good).";
        })
        .catch((error) => {
          dirty = true;
          status.textContent = "Could not keep your unsaved text (" + error.message + ").";
        });
    }

    function changed() {
      if (submitting) return;
      dirty = true;
      const now = Date.now();
      firstChange = firstChange || now;
      clearTimeout(timer);
      timer = setTimeout(save, Math.max(0, Math.min(PAUSE, firstChange + LONGEST - now)));
    }

    function leave() {
      if (!dirty || submitting) return;
      dirty = false;
      navigator.sendBeacon(status.dataset.url, payload());
    }

    form.addEventListener("input", changed);
    form.addEventListener("submit", () => { submitting = true; clearTimeout(timer); });
    document.addEventListener("visibilitychange", () => { if (document.hidden) leave(); });
    window.addEventListener("pagehide", leave);
  }
  // In the page's head (the admin's Media): start once the form exists.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
