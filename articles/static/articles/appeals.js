/*
 * Donation appeals: the decision about *this* reader, made in the browser.
 *
 * The server renders the same appeal for every reader (so pages stay cacheable) with its
 * rules in data attributes: durations in seconds, the frequency cap, the re-ask time. This
 * script keeps the reader's state in localStorage as reasons, times and counts only:
 *   {hide: {"<appeal>": {reason: "snoozed"|"dismissed", at: ms}},
 *    support: {reason: "supporter", at: ms}, views: {"<appeal>": [ms, …]}, bucket: 0–9999,
 *    clicked: {"<appeal>": ms}, pages: n, read: {month: "2026-12", ids: [story, …]} | {off: true}}
 * (`bucket` is a random number that keeps a reader's A/B variant and holdback group stable;
 * it, the page count and the article count never leave the browser). What readers do goes to
 * the server as batched beacons.
 * Frequency rules, all per reader and decided here: skip a new reader's first N page views,
 * at most K views a day and per cycle of D days, a pause after a donation click.
 * Without this script the appeal and its donation link still show and work.
 */
(function () {
  "use strict";
  if (window.newsroomAppeals) return;
  window.newsroomAppeals = true;

  var KEY = "newsroom.appeals";
  var DAY = 86400000;
  var BATCH_DELAY = 2000;
  var MAX_BATCH = 50;
  var MAX_VIEWS_KEPT = 100;

  function loadState() {
    try {
      var state = JSON.parse(window.localStorage.getItem(KEY));
      if (state && typeof state === "object") return state;
    } catch (error) { /* no storage, or not ours: start afresh */ }
    return {};
  }

  function saveState(state) {
    try { window.localStorage.setItem(KEY, JSON.stringify(state)); } catch (error) { /* full or off */ }
  }

  function number(value) {
    var n = parseInt(value, 10);
    return isNaN(n) ? 0 : n;
  }

  function recent(entry, seconds, since) {
    return Boolean(entry) && entry.at > since && Date.now() < entry.at + seconds * 1000;
  }

  /* --- Beacons ---
   * Every beacon carries this page view's token, which the server issues (pages are cached
   * whole, the same for every reader, so it cannot be in the page): each event type then counts
   * once per view. While the page is open a batch goes by fetch, and is sent again once if the
   * server answers 503 (its database was away; a retried batch cannot count twice); when the
   * page goes away, by sendBeacon, which cannot be retried. */
  var queue = [];
  var timer = null;
  var endpoint = null;
  var tokenUrl = null;
  var token = null;        // {value: "…", until: ms}
  var asking = null;       // the token request in flight
  var MAX_RETRIES = 1;

  function haveToken() {
    return token && Date.now() < token.until;
  }

  function askForToken() {
    if (asking || !window.fetch) return;
    asking = window.fetch(tokenUrl, {method: "POST", credentials: "omit", cache: "no-store"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.token) {
          // Renewed five minutes early, so a batch never leaves with a token about to expire.
          token = {value: data.token, until: Date.now() + Math.max(60, data.max_age - 300) * 1000};
        }
      })
      .catch(function () {})
      .then(function () {
        asking = null;
        if (haveToken() && queue.length) flush();
      });
  }

  function send(events, leaving, retries) {
    var body = JSON.stringify({token: token.value, events: events});
    if (leaving) {
      var sent = false;
      try { sent = navigator.sendBeacon && navigator.sendBeacon(endpoint, body); } catch (error) { sent = false; }
      if (sent || !window.fetch) return;
    }
    window.fetch(endpoint, {method: "POST", body: body, keepalive: true, credentials: "omit",
      headers: {"Content-Type": "text/plain"}}).then(function (response) {
      if (response.status === 503 && !leaving && retries < MAX_RETRIES) {
        var wait = (parseInt(response.headers.get("Retry-After"), 10) || 2) * 1000;
        setTimeout(function () { send(events, false, retries + 1); }, wait);
      }
    }).catch(function () {});
  }

  function flush(leaving) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (!queue.length) return;
    if (!haveToken()) {
      askForToken();  // the batch leaves when the token comes (too late if the page is going)
      return;
    }
    while (queue.length) send(queue.splice(0, MAX_BATCH), leaving === true, 0);
  }

  function report(appeal, type, now) {
    if (!appeal.sampled) return;
    queue.push({appeal: appeal.id, variant: appeal.variant, type: type});
    if (!haveToken()) askForToken();
    if (now || queue.length >= MAX_BATCH) flush();
    else if (!timer) timer = setTimeout(flush, BATCH_DELAY);
  }

  window.addEventListener("pagehide", function () { flush(true); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush(true);
  });

  /* --- Deciding and showing --- */
  function read(element) {
    var data = element.dataset;
    return {
      element: element,
      id: number(data.appeal),
      variant: null,
      snooze: number(data.snooze),
      support: number(data.support),
      dismiss: number(data.dismiss),
      capViews: number(data.capViews),
      capDays: number(data.capDays) || 1,
      reask: number(data.reask) * 1000,
      perDay: number(data.perDay),
      skip: number(data.skip),
      clickPause: number(data.clickPause),
      holdback: number(data.holdback),
      holdbackRef: data.holdbackRef || "",
      sampled: Math.random() * Math.max(1, number(data.sample)) < 1
    };
  }

  function hiddenFor(appeal, state) {
    if (recent(state.support, appeal.support, 0)) return "supporter";
    var hide = state.hide && state.hide[appeal.id];
    if (hide && recent(hide, hide.reason === "snoozed" ? appeal.snooze : appeal.dismiss, appeal.reask)) {
      return hide.reason;
    }
    var clicked = state.clicked && state.clicked[appeal.id];
    if (clicked && recent({at: clicked}, appeal.clickPause, appeal.reask)) return "paused";
    if (appeal.skip && state.pages <= appeal.skip) return "new reader";
    if (appeal.capViews && viewsSince(state, appeal).length >= appeal.capViews) return "capped";
    if (appeal.perDay && viewsToday(state, appeal).length >= appeal.perDay) return "enough today";
    return null;
  }

  function viewLog(state, appeal) {
    return (state.views && state.views[appeal.id]) || [];
  }

  function viewsSince(state, appeal) {
    var since = Math.max(appeal.reask, Date.now() - appeal.capDays * DAY);
    return viewLog(state, appeal).filter(function (at) { return at > since; });
  }

  function viewsToday(state, appeal) {
    var midnight = new Date(Date.now());
    midnight.setHours(0, 0, 0, 0);
    return viewLog(state, appeal).filter(function (at) { return at >= midnight.getTime(); });
  }

  /* The holdback group: a stable share of readers who never see this appeal (its own hash of
   * the bucket, independent of the variant's). */
  function heldBack(appeal, state) {
    return appeal.holdback > 0 && (state.bucket * 7907 + appeal.id * 65537) % 10000 < appeal.holdback * 100;
  }

  /* The site-wide donate link carries the reference of the first appeal this reader was shown
   * or held back from, so both groups' donations are attributed. */
  function tagDonateLink(ref) {
    if (!ref) return;
    document.querySelectorAll("a[data-donate-link]").forEach(function (link) {
      if (link.dataset.tagged) return;
      link.dataset.tagged = "1";
      var url = new URL(link.href, window.location.href);
      url.searchParams.set("ref", ref);
      link.href = url.toString();
    });
  }

  function refOf(href) {
    try { return new URL(href, window.location.href).searchParams.get("ref"); } catch (error) { return null; }
  }

  /* --- Article count: stories read this calendar month, counted here and never sent. --- */
  function thisMonth() {
    var now = new Date(Date.now());
    return now.getFullYear() + "-" + ("0" + (now.getMonth() + 1)).slice(-2);
  }

  function countArticle(state) {
    var story = document.querySelector("article[data-story]");
    if (state.read && state.read.off) return;
    if (!state.read || state.read.month !== thisMonth()) state.read = {month: thisMonth(), ids: []};
    if (!story) return;
    var id = number(story.dataset.story);
    if (id && state.read.ids.indexOf(id) === -1) state.read.ids = state.read.ids.concat([id]).slice(-500);
  }

  function fillArticleCount(appeal, state) {
    var paragraphs = appeal.element.querySelectorAll("[data-copy] [data-article-count]");
    var count = state.read && !state.read.off && state.read.month === thisMonth() ? state.read.ids.length : 0;
    paragraphs.forEach(function (paragraph) {
      if (count < 1) { paragraph.remove(); return; }
      var walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
      var node;
      while ((node = walker.nextNode())) {
        node.nodeValue = node.nodeValue.split("{count}").join(String(count));
      }
      var stop = document.createElement("button");
      stop.type = "button";
      stop.className = "appeal__stop-counting";
      stop.textContent = "Stop counting";
      stop.addEventListener("click", function () {
        var current = loadState();
        current.read = {off: true};
        saveState(current);
        var note = document.createElement("span");
        note.setAttribute("role", "status");
        note.textContent = "We have stopped counting, and forgotten the count.";
        paragraph.replaceWith(note);
      });
      paragraph.appendChild(document.createTextNode(" "));
      paragraph.appendChild(stop);
      paragraph.hidden = false;
    });
  }

  /* "Remind me in …": the form posts by fetch and says what happens next. */
  function watchReminder(appeal) {
    var form = appeal.element.querySelector(".appeal__remind-form");
    if (!form || !window.fetch) return;
    var variant = form.querySelector("[data-remind-variant]");
    if (variant) variant.value = appeal.variant || "";
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = form.querySelector("[data-remind-status]");
      if (!status) {
        status = document.createElement("p");
        status.setAttribute("role", "status");
        status.setAttribute("data-remind-status", "");
        status.className = "appeal__remind-status";
        form.appendChild(status);
      }
      status.textContent = "Sending…";
      window.fetch(form.action, {method: "POST", body: new FormData(form), credentials: "omit",
        headers: {"Accept": "application/json"}})
        .then(function (response) { return response.json().then(function (data) { return [response.ok, data]; }); })
        .then(function (answer) {
          status.textContent = answer[1].message;
          if (answer[0]) form.querySelectorAll("input, select, button").forEach(function (field) { field.disabled = true; });
        })
        .catch(function () { status.textContent = "That did not go through: please try again."; });
    });
  }

  /* The same reader always gets the same copy of an appeal: weights over a stable bucket. */
  function chooseVariant(appeal, state) {
    var templates = appeal.element.querySelectorAll("template[data-variant]");
    if (!templates.length) return;
    var options = [{template: null, weight: number(appeal.element.dataset.weight)}];
    templates.forEach(function (template) {
      options.push({template: template, weight: number(template.dataset.weight)});
    });
    var total = options.reduce(function (sum, option) { return sum + option.weight; }, 0);
    if (!total) return;
    var point = (state.bucket * 7919 + appeal.id * 104729) % total;
    for (var i = 0; i < options.length; i++) {
      if (point < options[i].weight) {
        var template = options[i].template;
        if (template) {
          appeal.variant = number(template.dataset.variant);
          var copy = appeal.element.querySelector("[data-copy]");
          copy.replaceChildren(template.content.cloneNode(true));
          var cta = appeal.element.querySelector("[data-cta]");
          cta.textContent = template.dataset.cta;
          if (template.dataset.href) cta.href = template.dataset.href;
        }
        return;
      }
      point -= options[i].weight;
    }
  }

  function inWords(seconds) {
    var hours = Math.round(seconds / 3600);
    if (hours < 48) return hours === 1 ? "an hour" : hours + " hours";
    return Math.round(hours / 24) + " days";
  }

  function noteFor(appeal, reason) {
    if (reason === "snoozed") return "Thank you. We will remind you in " + inWords(appeal.snooze) + ".";
    if (reason === "supporter") {
      return "Thank you for supporting our journalism. We will not ask you again for " +
        inWords(appeal.support) + ".";
    }
    return "Message closed.";
  }

  /* Hide an appeal after a reader's choice, leaving a short note that takes the focus. */
  function close(appeal, reason, takeFocus) {
    var element = appeal.element;
    element.hidden = true;
    var note = document.createElement("p");
    note.className = "appeal-note appeal-note--" + element.dataset.placement;
    note.setAttribute("role", "status");
    note.tabIndex = -1;
    note.textContent = noteFor(appeal, reason);
    element.insertAdjacentElement("afterend", note);
    if (takeFocus) note.focus();
  }

  function watchSeen(appeal) {
    if (!("IntersectionObserver" in window)) return;
    var pending = null;
    var observer = new IntersectionObserver(function (entries) {
      var visible = entries[entries.length - 1].intersectionRatio >= 0.5;
      if (visible && !pending) {
        pending = setTimeout(function () {
          observer.disconnect();
          report(appeal, "seen");
        }, 1000);
      } else if (!visible && pending) {
        clearTimeout(pending);
        pending = null;
      }
    }, {threshold: [0, 0.5, 1]});
    observer.observe(appeal.element);
  }

  function start() {
    var state = loadState();
    if (typeof state.bucket !== "number") state.bucket = Math.floor(Math.random() * 10000);
    state.pages = (typeof state.pages === "number" ? state.pages : 0) + 1;
    countArticle(state);
    var elements = document.querySelectorAll("section[data-appeal][data-events]");
    if (!elements.length) {
      saveState(state);
      return;
    }
    endpoint = elements[0].dataset.events;
    tokenUrl = elements[0].dataset.token;
    state.hide = state.hide || {};
    state.views = state.views || {};
    state.clicked = state.clicked || {};
    var shown = [];

    elements.forEach(function (element) {
      element.dataset.placement = element.classList.contains("appeal--banner") ? "banner" : "story";
      var appeal = read(element);
      if (heldBack(appeal, state)) {
        element.hidden = true;
        element.dataset.held = "";
        tagDonateLink(appeal.holdbackRef);
        report(appeal, "held");
        return;
      }
      if (hiddenFor(appeal, state)) {
        element.hidden = true;
        return;
      }
      chooseVariant(appeal, state);
      tagDonateLink(refOf(element.querySelector("[data-cta]").href));
      fillArticleCount(appeal, state);
      watchReminder(appeal);
      if (appeal.capViews || appeal.perDay) {  // the views log exists only for capped appeals
        var keep = Math.max(appeal.capDays, 1) * DAY;
        state.views[appeal.id] = viewLog(state, appeal).filter(function (at) {
          return at > Date.now() - keep;
        }).concat([Date.now()]).slice(-MAX_VIEWS_KEPT);
      } else {
        delete state.views[appeal.id];
      }
      element.querySelectorAll("button[hidden]").forEach(function (button) { button.hidden = false; });
      element.classList.add("appeal--ready");
      shown.push(appeal);
      report(appeal, "rendered");
      watchSeen(appeal);
    });
    saveState(state);

    shown.forEach(function (appeal) {
      appeal.element.addEventListener("click", function (event) {
        var control = event.target.closest("[data-action]");
        if (!control) return;
        var action = control.dataset.action;
        if (action === "clicked") {
          var clickedState = loadState();
          clickedState.clicked = clickedState.clicked || {};
          clickedState.clicked[appeal.id] = Date.now();
          saveState(clickedState);
          report(appeal, "clicked", true);
          return;
        }
        var now = Date.now();
        var current = loadState();
        current.hide = current.hide || {};
        if (action === "supporter") {
          current.support = {reason: "supporter", at: now};
        } else {
          current.hide[appeal.id] = {reason: action, at: now};
        }
        saveState(current);
        report(appeal, action, true);
        if (action === "supporter") {
          shown.forEach(function (other) {
            if (other === appeal) close(appeal, action, true);
            else if (!other.element.hidden) other.element.hidden = true;
          });
        } else {
          close(appeal, action, true);
        }
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
