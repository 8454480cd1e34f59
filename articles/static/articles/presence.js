// "X is also editing this story": refresh our presence while the form is open and update
// the notice. The version check on save is what protects text; this is only a heads-up.
"use strict";
(function () {
  const box = document.getElementById("story-presence");
  if (!box || !box.dataset.url) return;
  const interval = (parseInt(box.dataset.interval, 10) || 60) * 1000;
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");

  function render(others) {
    box.textContent = "";
    box.classList.toggle("presence-notice--empty", others.length === 0);
    if (!others.length) return;
    const names = document.createElement("strong");
    names.textContent = others.map((o) => o.name).join(", ");
    box.append(
      names,
      (others.length === 1 ? " is" : " are") + " also editing this story. " +
        "If they save first, your save will be refused and your text kept, " +
        "so you can compare and merge."
    );
  }

  function beat() {
    if (document.hidden) return;
    fetch(box.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "" },
    })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => data && render(data.others))
      .catch(() => {});
  }

  setInterval(beat, interval);
  document.addEventListener("visibilitychange", beat);
})();
