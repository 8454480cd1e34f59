// The story form's word count and reading time, kept up to date while the body is written
// (the server writes the first one: StoryAdmin.length, with the same words and wording).
"use strict";
{
  const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

  function lengthText(words, perMinute) {
    if (!words) return "No words yet";
    const minutes = Math.max(1, Math.round(words / perMinute));
    return `${words.toLocaleString("en-GB")} word${words === 1 ? "" : "s"} · about ${minutes} ` +
      `minute${minutes === 1 ? "" : "s"} to read`;
  }

  function start() {
    const output = document.querySelector(".story-length");
    const row = document.querySelector(".field-body");
    if (!output || !row) return;
    const perMinute = Number(output.dataset.wordsPerMinute) || 230;
    const update = () => {
      const body = row.querySelector("[contenteditable=true]") || row.querySelector(".readonly");
      if (!body) return;
      const text = body.innerText || "";
      output.textContent = lengthText((text.match(WORD) || []).length, perMinute);
    };
    // The rich-text editor builds itself after load: watch the row for it and for typing.
    new MutationObserver(update).observe(row, {childList: true, subtree: true, characterData: true});
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}
