// A live story's open page picks up new updates: every 20-30 s (a little jitter, so a crowd of
// readers does not ask in step) it asks for the updates with the ETag it has; a 304 costs the
// server a cache look-up and the page nothing. A hidden tab asks less and less often (up to
// every 5 minutes) and catches up as soon as it is shown again. Without JavaScript the page is
// complete as loaded.
"use strict";
(function () {
  const section = document.getElementById("live-updates");
  if (!section || !section.dataset.pollUrl || !window.fetch) return;
  const url = section.dataset.pollUrl;
  const base = (Number(section.dataset.pollSeconds) || 25) * 1000;
  const HIDDEN_LONGEST = 300000;
  let etag = null, timer = null, hiddenDelay = base;

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(poll, delay);
  }

  function next() {
    if (document.hidden) {
      hiddenDelay = Math.min(hiddenDelay * 2, HIDDEN_LONGEST);
      return hiddenDelay;
    }
    hiddenDelay = base;
    return base * (0.8 + Math.random() * 0.4);
  }

  function replace(html) {
    const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live-updates");
    if (!fresh) return;
    const current = document.getElementById("live-updates");
    const known = new Set(Array.from(current.querySelectorAll(".live-update"), (li) => li.id));
    fresh.querySelectorAll(".live-update").forEach((li) => {
      if (!known.has(li.id)) li.classList.add("live-update--new");
    });
    current.replaceWith(fresh);
    if (!fresh.dataset.pollUrl) clearTimeout(timer);  // the coverage has ended
  }

  function poll() {
    const headers = etag ? {"If-None-Match": etag} : {};
    fetch(url, {headers, cache: "no-store", credentials: "omit"})
      .then((response) => {
        if (response.status === 200) {
          etag = response.headers.get("ETag");
          return response.text().then(replace);
        }
        return null;
      })
      .catch(() => null)
      .finally(() => {
        const now = document.getElementById("live-updates");
        if (now && now.dataset.pollUrl) schedule(next());
      });
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) schedule(0);
  });
  // The page as loaded is current: ask once for the ETag of what it shows, then wait.
  schedule(next());
})();
