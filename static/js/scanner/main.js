// The coordinator's scanner: the camera reads tickets with jsQR, the API answers, and while
// the connection is down the scans wait on the phone (with their own time and scan id) and
// the downloaded roster gives the answer at once. This module wires the page to the others.

import { createApi, csrfFromCookie, scanBody } from "./api.js";
import { createCamera, createRepeatFilter } from "./camera.js";
import { createPanels, renderCounts, renderPending, renderSearch, showErrors } from "./panels.js";
import { drain, ScanQueue } from "./queue.js";
import { RosterCache } from "./roster.js";
import { deviceId as loadDeviceId, keysFor, load, save } from "./storage.js";
import { fill } from "./text.js";
import {
  answerView,
  busyView,
  createDisplay,
  heldLine,
  heldView,
  learnFrom,
  nextStep,
  personScan,
  readyView,
  recognised,
  retryMessage,
  ticketScan,
  undoneView,
  walkInView,
} from "./verdict.js";

const COUNTS_MS = 12000;
const SYNC_MS = 10000;
const ROSTER_MS = 120000;

function start(root) {
  const $ = (id) => document.getElementById(id);
  const t = $("scanner-i18n").dataset;
  const participationId = Number(root.dataset.participation);
  const lang = document.documentElement.lang || "vi";
  const storage = localStorage;
  const keys = keysFor(participationId);

  const connection = $("connection");
  const pendingToggle = $("pending-toggle");
  const searchInput = $("search-input");
  const rosterStatus = $("roster-status");
  const undoButton = $("undo-button");
  const walkInForm = $("walk-in-form");
  const undoForm = $("undo-form");
  const pendingElements = {
    panel: $("pending-panel"),
    toggle: pendingToggle,
    count: $("pending-count"),
    list: $("pending-list"),
  };
  const countElements = { counts: $("counts"), percent: $("counts-percent") };
  const display = createDisplay(
    {
      result: $("scan-result"),
      title: $("scan-result-title"),
      detail: $("scan-result-detail"),
      message: $("scan-result-message"),
      log: $("scan-log"),
    },
    lang
  );
  const togglePanel = createPanels({
    "search-panel": $("search-toggle"),
    "walk-in-panel": $("walk-in-toggle"),
    "pending-panel": pendingToggle,
    "undo-panel": undoButton,
  });

  const device = loadDeviceId(storage);
  const queue = new ScanQueue(storage, keys.queue, () =>
    renderPending(pendingElements, queue.items, t, lang)
  );
  const roster = new RosterCache(storage, keys.roster);
  let lastCheckIn = load(storage, keys.last, null); // {entry_id, name, agency}
  // Only the latest scan may take over the big answer; older ones answer in the log.
  let latestScanId = null;
  const repeats = createRepeatFilter();

  function setOnline(value) {
    const online = value && navigator.onLine;
    connection.dataset.online = String(online);
    connection.textContent = online ? t.online : t.offline;
    connection.classList.toggle("text-bg-success", online);
    connection.classList.toggle("text-bg-danger", !online);
  }

  const api = createApi({
    csrfToken: () => csrfFromCookie(document.cookie, root.dataset.csrf),
    onReachable: setOnline,
  });

  function currentAction() {
    return $("mode-check-out").checked ? "check_out" : "check_in";
  }

  function setLastCheckIn(value) {
    lastCheckIn = value;
    save(storage, keys.last, value);
    undoButton.disabled = !value;
  }

  // --- counts and roster -------------------------------------------------------------

  let countsTimer = null;

  async function refreshCounts() {
    if (!navigator.onLine) return;
    try {
      const answer = await api.request(root.dataset.countsUrl);
      if (answer.status !== 200 || !answer.data) return;
      const mine = answer.data.points.find((p) => p.participation_id === participationId);
      if (mine) renderCounts(countElements, mine.checked_in, mine.on_roster, mine.percent);
    } catch (error) {
      /* the count waits for the next round */
    }
  }

  // Several answers often land together; one request for the count after them is enough.
  function countsSoon() {
    clearTimeout(countsTimer);
    countsTimer = setTimeout(refreshCounts, 300);
  }

  function showRosterStatus(state) {
    root.dataset.roster = state;
    const texts = { loaded: t.rosterLoaded, cached: t.rosterCached, missing: t.rosterMissing };
    rosterStatus.textContent = fill(texts[state], { count: roster.people.length });
  }

  function showSearch() {
    renderSearch($("search-results"), roster.search(searchInput.value), {
      heldCheckIn: (entryId) => queue.pendingCheckIn(entryId),
      choose: checkInPerson,
      t: t,
      lang: lang,
    });
  }

  async function refreshRoster() {
    if (navigator.onLine) {
      try {
        const answer = await api.request(root.dataset.rosterUrl);
        if (answer.status === 200 && answer.data) {
          roster.replace(answer.data.people, new Date().toISOString());
          showRosterStatus("loaded");
          showSearch();
          return;
        }
      } catch (error) {
        /* offline: the copy on the phone serves */
      }
    }
    showRosterStatus(roster.loaded ? "cached" : "missing");
  }

  // --- scanning ----------------------------------------------------------------------

  function send(scan) {
    return api.sendScan(root.dataset.scanUrl, scanBody(scan, device, participationId));
  }

  function settle(scan, outcome) {
    const view = answerView(scan, outcome.data, t);
    const learnt = learnFrom(scan, outcome.data);
    if (learnt.arrival) roster.markArrival(learnt.arrival.entryId, learnt.arrival.time);
    if (learnt.lastCheckIn) setLastCheckIn(learnt.lastCheckIn);
    if (scan.scan_id === latestScanId) display.show(view);
    display.log(view.state, view.line, scan.scanned_at);
    showSearch();
    countsSoon();
  }

  function hold(scan, reason) {
    queue.hold(scan);
    display.log("pending", heldLine(scan, t), scan.scanned_at);
    if (scan.scan_id !== latestScanId) return;
    display.show(heldView(scan, reason, navigator.onLine, t));
  }

  async function submit(scan) {
    latestScanId = scan.scan_id;
    const local = {
      online: navigator.onLine,
      person: roster.person(scan.entry_key),
      held: queue.pendingCheckIn(scan.entry_key),
      waiting: queue.length,
    };
    const decision = nextStep(scan, local, t, lang);
    if (decision.step === "refuse") {
      // Said from the downloaded roster; nothing to send.
      display.show(decision.view);
      display.log("refused", decision.view.line, scan.scanned_at);
      return;
    }
    if (decision.step === "hold") {
      hold(scan);
      flush();
      return;
    }
    display.show(busyView(scan, t));
    const outcome = await send(scan);
    if (outcome.final) settle(scan, outcome);
    else hold(scan, outcome.retry);
  }

  let flushing = false;

  async function flush() {
    if (flushing || queue.length === 0 || !navigator.onLine) return;
    flushing = true;
    try {
      const stopped = await drain(queue, send, settle);
      // A lost connection says itself in the badge; the other reasons need words.
      if (stopped && stopped.scan.scan_id === latestScanId && stopped.retry !== "network") {
        display.note(retryMessage(stopped.retry, t));
      }
    } finally {
      flushing = false;
      renderPending(pendingElements, queue.items, t, lang);
    }
  }

  async function handleCode(text) {
    const scan = ticketScan(text, currentAction());
    recognised(scan, await roster.recognise(scan.payload));
    submit(scan); // the camera goes on reading while the answer is on its way
  }

  function checkInPerson(person) {
    if (!repeats.tap("entry:" + person.id)) return; // a double tap
    submit(personScan(person, currentAction()));
    display.bringIntoView();
  }

  const camera = createCamera({
    elements: {
      root: root,
      camera: $("camera"),
      video: $("camera-video"),
      canvas: $("camera-canvas"),
      overlay: $("camera-overlay"),
      status: $("camera-status"),
      startButton: $("camera-start"),
      stopButton: $("camera-stop"),
    },
    t: t,
    repeats: repeats,
    onCode: handleCode,
    beforeStart: () => display.enableSound(),
    onStarted: () => {
      if (display.state === "idle") display.show(readyView(t));
    },
  });

  // --- walk-ins and undo -------------------------------------------------------------

  async function submitWalkIn(event) {
    event.preventDefault();
    if (!navigator.onLine) {
      showErrors(walkInForm, { __all__: [t.walkInOffline] });
      return;
    }
    const fields = Object.fromEntries(new FormData(walkInForm).entries());
    const submitButton = $("walk-in-submit");
    submitButton.disabled = true;
    try {
      const answer = await api.request(root.dataset.walkInUrl, {
        body: Object.assign({ participation_id: participationId }, fields),
      });
      if (answer.status === 201 && answer.data) {
        const entry = answer.data;
        showErrors(walkInForm, {});
        walkInForm.reset();
        togglePanel("walk-in-panel", false);
        latestScanId = null;
        const view = walkInView(entry, t);
        display.show(view);
        display.log("ok", view.line);
        roster.addWalkIn(entry);
        setLastCheckIn({ entry_id: entry.id, name: entry.name, agency: entry.agency });
        countsSoon();
      } else {
        const errors = answer.data && answer.data.errors;
        showErrors(walkInForm, errors || { __all__: [t.serverError] });
      }
    } catch (error) {
      showErrors(walkInForm, { __all__: [t.walkInOffline] });
    } finally {
      submitButton.disabled = false;
    }
  }

  async function submitUndo(event) {
    event.preventDefault();
    const error = $("undo-error");
    const reason = $("undo-reason").value.trim();
    if (!lastCheckIn) return;
    if (!reason) {
      error.textContent = t.undoReason;
      return;
    }
    if (!navigator.onLine) {
      error.textContent = t.needsConnection;
      return;
    }
    const url = root.dataset.undoUrl.replace("/0/undo", "/" + lastCheckIn.entry_id + "/undo");
    try {
      const answer = await api.request(url, { body: { reason: reason } });
      if (answer.status === 200) {
        roster.markArrival(lastCheckIn.entry_id, null);
        latestScanId = null;
        const view = undoneView(lastCheckIn, t);
        display.show(view);
        display.log("info", view.line);
        setLastCheckIn(null);
        togglePanel("undo-panel", false);
        showSearch();
        countsSoon();
      } else {
        const errors = (answer.data && answer.data.errors) || {};
        error.textContent =
          [].concat(errors.reason || [], errors.__all__ || []).join(" ") ||
          (answer.data && answer.data.detail) ||
          t.serverError;
      }
    } catch (failure) {
      error.textContent = t.needsConnection;
    }
  }

  // --- wiring ------------------------------------------------------------------------

  $("camera-start").addEventListener("click", camera.start);
  $("camera-stop").addEventListener("click", camera.stop);
  $("search-toggle").addEventListener("click", () => togglePanel("search-panel"));
  $("walk-in-toggle").addEventListener("click", () => togglePanel("walk-in-panel"));
  pendingToggle.addEventListener("click", () => {
    if (queue.length === 0) togglePanel("pending-panel");
    else $("pending-panel").scrollIntoView({ block: "nearest", behavior: "smooth" });
  });
  $("sync-now").addEventListener("click", () => {
    refreshRoster();
    flush();
  });
  undoButton.addEventListener("click", () => {
    if (!lastCheckIn) return;
    const agency = lastCheckIn.agency ? " · " + lastCheckIn.agency : "";
    $("undo-name").textContent = lastCheckIn.name + agency;
    $("undo-error").textContent = "";
    togglePanel("undo-panel", true);
  });
  $("undo-cancel").addEventListener("click", () => togglePanel("undo-panel", false));
  undoForm.addEventListener("submit", submitUndo);
  walkInForm.addEventListener("submit", submitWalkIn);
  searchInput.addEventListener("input", showSearch);
  for (const mode of document.querySelectorAll('input[name="scan-action"]')) {
    mode.addEventListener("change", () => {
      root.classList.toggle("is-check-out", currentAction() === "check_out");
    });
  }

  window.addEventListener("online", () => {
    setOnline(true);
    flush();
    refreshRoster();
    refreshCounts();
  });
  window.addEventListener("offline", () => setOnline(false));
  window.addEventListener("storage", (event) => {
    if (event.key === keys.queue) queue.reload();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      flush();
      refreshCounts();
    }
  });

  setOnline(navigator.onLine);
  renderPending(pendingElements, queue.items, t, lang);
  undoButton.disabled = !lastCheckIn;
  root.dataset.camera = "off";
  $("camera").classList.add("is-off");
  refreshRoster().then(flush);
  setInterval(flush, SYNC_MS);
  setInterval(refreshCounts, COUNTS_MS);
  setInterval(refreshRoster, ROSTER_MS);
}

const root = document.getElementById("scanner");
if (root) start(root);
