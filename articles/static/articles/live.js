// A live story's open page picks up new updates: every 20-30 s (a little jitter, so a crowd of
// readers does not ask in step) it asks for the updates with the ETag it has; a 304 costs the
// server a cache look-up and the page nothing. A hidden tab asks less and less often (up to
// every 5 minutes) and catches up as soon as it is shown again. "Older updates" adds the next
// page of updates under the ones shown. Without JavaScript the page is complete as loaded, and
// "Older updates" is a page of its own.
"use strict";
(function () {
  const section = document.getElementById("live-updates");
  if (!section || !window.fetch) return;
  const OLDER_LIST = "live-older-list";

  // --- Older updates ---

  // Updates added by "Older updates" live in their own list after the section, which the poll
  // replaces: they stay as the newest updates are refreshed above them.
  function olderList() {
    let list = document.getElementById(OLDER_LIST);
    if (!list) {
      list = document.createElement("ol");
      list.id = OLDER_LIST;
      list.className = "live-updates__list live-updates__list--older";
      document.getElementById("live-updates").after(list);
    }
    return list;
  }

  function loadOlder(link) {
    if (link.getAttribute("aria-busy") === "true") return;
    link.setAttribute("aria-busy", "true");
    fetch(link.href, {credentials: "omit"})
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const page = new DOMParser().parseFromString(html, "text/html");
        const list = olderList();
        let first = null;
        page.querySelectorAll("#live-older-updates .live-update").forEach((li) => {
          if (document.getElementById(li.id)) return;  // shown already (the list moved on)
          const added = document.importNode(li, true);
          list.append(added);
          first = first || added;
        });
        const next = page.querySelector("#live-older-updates .live-older");
        link.closest(".live-older").remove();
        if (next) list.after(document.importNode(next, true));
        if (first) {
          // Keyboard and screen-reader users carry on reading where the new updates begin.
          first.tabIndex = -1;
          first.focus({preventScroll: true});
        }
      })
      .catch(() => { window.location.href = link.href; });  // the page of its own, then
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(".live-older__link");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    loadOlder(link);
  });

  // --- Polling for new updates ---

  if (!section.dataset.pollUrl) return;  // the coverage has ended: nothing new will come
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
    const older = document.getElementById(OLDER_LIST);
    if (older) {
      // Older updates are shown already: the updates new ones pushed off the first page go
      // to the top of them, and the first page's own "Older updates" link is not needed.
      const kept = new Set(Array.from(fresh.querySelectorAll(".live-update"), (li) => li.id));
      const dropped = Array.from(current.querySelectorAll(".live-update:not(.live-update--pinned)"))
        .filter((li) => !kept.has(li.id));
      older.prepend(...dropped);
      older.querySelectorAll(".live-update").forEach((li) => { if (kept.has(li.id)) li.remove(); });
      fresh.querySelectorAll(".live-older").forEach((link) => link.remove());
    }
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
