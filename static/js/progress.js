// Progress boxes: while work runs on the server (a collation, a sending, a report export),
// poll its JSON and show it, with no page script of its own. One loop for every page.
//
// The box, configured by data attributes:
//   data-progress-url       the JSON endpoint to poll (required; marks the box)
//   data-progress-active    "1" when the server said, rendering the page, that work runs;
//                           anything else: nothing to poll, the script does nothing
//   data-progress-interval  milliseconds between polls (default 2000)
//   data-progress-first     milliseconds before the first poll (default: the interval)
//   data-progress-list      key of an array in the answer: item i fills the element
//                           [data-progress-item="i"] inside the box (e.g. "sendings")
//   data-progress-while     key that keeps the polling going while it is truthy, in the
//                           answer or in any item of its list (default "active")
//   data-progress-done      "reload": reload the page once the work has stopped
//
// Inside the box, or inside one of its items (each filled from its own part of the answer):
//   [data-field="key"]      its text becomes the value (numbers grouped as vi-VN writes
//                           them: 300.000); with data-hide-empty it is hidden while empty
//   [data-bar]              a bar: width and text from "percent", and aria-valuenow on the
//                           enclosing [role=progressbar]
//   [data-bar="key"]        a segment of a stacked bar: its .progress wrapper's width is
//                           the share of "key" in "total"
//   [data-href="key"]       a link: href becomes the value, shown (d-none removed) once set
//   [data-progress-waiting] a "please wait" note, removed once the work has stopped
//
// Hooks: the box receives a "progress:update" event after every answer and "progress:done"
// once the work has stopped (event.detail is the answer), for anything the attributes do
// not cover; DiemCau.progress.watch(box, {onUpdate, onDone}) does the same for a box it
// is given by hand (a box without data-progress-active).
//
// The loop: one request at a time; after a failed request (offline, server error, a
// signed-out answer that is not JSON) the wait doubles, up to a minute, and returns to the
// interval after the next good answer; while the tab is hidden nothing is polled, and when
// it is shown again (or the network comes back) it polls at once.
(function () {
  "use strict";
  const MAX_WAIT = 60000;
  const format = new Intl.NumberFormat("vi-VN");

  // The elements of `scope` that belong to it and not to an item nested inside it.
  function owned(scope, selector) {
    return Array.from(scope.querySelectorAll(selector)).filter(
      (el) => el.parentElement.closest("[data-progress-item], [data-progress-url]") === scope
    );
  }

  function fill(scope, data) {
    owned(scope, "[data-field]").forEach((el) => {
      const value = data[el.dataset.field];
      if (value === undefined) return;
      el.textContent = typeof value === "number" ? format.format(value) : value ?? "";
      if ("hideEmpty" in el.dataset) el.classList.toggle("d-none", !value);
    });
    owned(scope, "[data-bar]").forEach((bar) => {
      const key = bar.dataset.bar;
      if (!key) {
        if (typeof data.percent !== "number") return;
        bar.style.width = data.percent + "%";
        bar.textContent = data.percent + "%";
        const meter = bar.closest('[role="progressbar"]');
        if (meter) meter.setAttribute("aria-valuenow", data.percent);
      } else if (typeof data[key] === "number" && data.total) {
        // Bootstrap's stacked bars size the .progress around each segment.
        const segment = bar.closest(".progress") || bar;
        segment.style.width = (100 * data[key]) / data.total + "%";
      }
    });
    owned(scope, "[data-href]").forEach((link) => {
      const value = data[link.dataset.href];
      if (!value) return;
      link.href = value;
      link.classList.remove("d-none");
    });
  }

  function watch(box, hooks = {}) {
    const interval = Number(box.dataset.progressInterval) || 2000;
    const listKey = box.dataset.progressList;
    const whileKey = box.dataset.progressWhile || "active";
    let timer = null;
    let inFlight = false;
    let stopped = false;
    let failures = 0;

    function show(answer) {
      const items = listKey ? answer[listKey] || [] : [];
      fill(box, answer);
      items.forEach((item, index) => {
        const element = box.querySelector('[data-progress-item="' + index + '"]');
        if (element) fill(element, item);
      });
      return Boolean(answer[whileKey]) || items.some((item) => Boolean(item[whileKey]));
    }

    function announce(name, hook, answer) {
      if (hook) hook(answer, box);
      box.dispatchEvent(new CustomEvent(name, { detail: answer }));
    }

    function finish(answer) {
      stopped = true;
      box.querySelectorAll("[data-progress-waiting]").forEach((el) => el.remove());
      announce("progress:done", hooks.onDone, answer);
      if (box.dataset.progressDone === "reload") window.location.reload();
    }

    function schedule(wait) {
      clearTimeout(timer);
      timer = null;
      // A hidden tab is not polled; "visibilitychange" polls when it is shown again.
      if (!stopped && !document.hidden) timer = setTimeout(poll, wait);
    }

    async function poll() {
      // A timer set before the tab was hidden still fires: it rests until shown again.
      if (stopped || inFlight || document.hidden) return;
      clearTimeout(timer);
      timer = null;
      inFlight = true;
      let answer = null;
      try {
        const response = await fetch(box.dataset.progressUrl, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (response.ok) answer = await response.json();
      } catch (error) {
        /* offline, or not JSON (signed out): try again after a longer wait */
      }
      inFlight = false;
      if (answer === null) {
        failures += 1;
        schedule(Math.min(interval * 2 ** failures, MAX_WAIT));
        return;
      }
      failures = 0;
      const busy = show(answer);
      announce("progress:update", hooks.onUpdate, answer);
      if (busy) schedule(interval);
      else finish(answer);
    }

    function pollNow() {
      if (!stopped && !document.hidden) poll();
    }
    document.addEventListener("visibilitychange", pollNow);
    window.addEventListener("online", pollNow);
    schedule(Number(box.dataset.progressFirst) || interval);
    return {
      stop() {
        stopped = true;
        clearTimeout(timer);
      },
    };
  }

  function start() {
    document
      .querySelectorAll('[data-progress-url][data-progress-active="1"]')
      .forEach((box) => watch(box));
  }

  window.DiemCau = window.DiemCau || {};
  window.DiemCau.progress = { watch };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
