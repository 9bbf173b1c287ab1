// The coordinator's scanner: the camera reads tickets with jsQR, the API answers, and while
// the connection is down the scans wait on the phone (with their own time and scan id) and
// the downloaded roster gives the answer at once. This module wires the page to the others:
// sync.js sends or holds scans, refresh.js keeps the counts and the roster fresh, walkin.js
// and undo.js run the two forms, window.js says when check-in opens (and whether the phone's
// clock is off); the rules themselves live in verdict.js, queue.js, roster.js.
//
// `page` below is the one object the page's parts share: createPage makes it, the add*
// functions that start calls complete it, and each function takes from it what it needs.

import { createApi, csrfFromCookie, scanBody } from "./api.js";
import { cameraElements, createCamera, createRepeatFilter } from "./camera.js";
import { createPanels, renderCounts, renderPending, renderSearch } from "./panels.js";
import { ScanQueue } from "./queue.js";
import { createCounts, createRosterRefresh, rosterStatusText } from "./refresh.js";
import { RosterCache } from "./roster.js";
import { deviceId as loadDeviceId, keysFor } from "./storage.js";
import { ScanSync } from "./sync.js";
import { createUndoForm, LastCheckIn } from "./undo.js";
import { createDisplay, personScan, readyView, recognised, ticketScan } from "./verdict.js";
import { createWalkInForm } from "./walkin.js";
import { createWindowNotice } from "./window.js";

const COUNTS_MS = 12000;
const SYNC_MS = 10000;
const ROSTER_MS = 120000;
const WINDOW_MS = 15000;

const $ = (id) => document.getElementById(id);

// --- the page's parts ----------------------------------------------------------------

function createPage(root) {
  const t = $("scanner-i18n").dataset;
  const lang = document.documentElement.lang || "vi";
  const participationId = Number(root.dataset.participation);
  const storage = localStorage;
  const keys = keysFor(participationId);
  const page = { root, t, lang, participationId, keys };
  page.online = () => navigator.onLine;
  page.display = createScanDisplay(lang);
  page.togglePanel = createPanels({
    "search-panel": $("search-toggle"),
    "walk-in-panel": $("walk-in-toggle"),
    "pending-panel": $("pending-toggle"),
    "undo-panel": $("undo-button"),
  });
  page.device = loadDeviceId(storage);
  page.showPending = () => showPending(page);
  page.queue = new ScanQueue(storage, keys.queue, page.showPending);
  page.roster = new RosterCache(storage, keys.roster);
  page.lastCheckIn = new LastCheckIn(storage, keys.last, (value) => {
    $("undo-button").disabled = !value;
  });
  page.repeats = createRepeatFilter();
  page.setOnline = (value) => showConnection(page, value);
  page.api = createApi({
    csrfToken: () => csrfFromCookie(document.cookie, root.dataset.csrf),
    onReachable: page.setOnline,
  });
  page.request = page.api.request;
  return page;
}

function createScanDisplay(lang) {
  const elements = {
    result: $("scan-result"),
    title: $("scan-result-title"),
    detail: $("scan-result-detail"),
    message: $("scan-result-message"),
    log: $("scan-log"),
  };
  return createDisplay(elements, lang);
}

function addRefreshers(page) {
  const { root, online } = page;
  page.counts = createCounts({
    request: page.request,
    url: root.dataset.countsUrl,
    participationId: page.participationId,
    online: online,
    render: (checkedIn, onRoster, percent) => {
      const elements = { counts: $("counts"), percent: $("counts-percent") };
      renderCounts(elements, checkedIn, onRoster, percent);
    },
  });
  page.refreshRoster = createRosterRefresh({
    request: page.request,
    url: root.dataset.rosterUrl,
    roster: page.roster,
    online: online,
    showStatus: (state) => showRosterStatus(page, state),
    loaded: () => showSearch(page),
  });
}

function addSync(page) {
  const { api, device, participationId } = page;
  const scanUrl = page.root.dataset.scanUrl;
  // After the server settles a scan or an undo, the search list and the count follow it.
  page.answered = () => {
    showSearch(page);
    page.counts.soon();
  };
  page.sync = new ScanSync({
    queue: page.queue,
    roster: page.roster,
    display: page.display,
    send: (scan) => api.sendScan(scanUrl, scanBody(scan, device, participationId)),
    online: page.online,
    lastCheckIn: page.lastCheckIn,
    answered: page.answered,
    flushed: page.showPending,
    t: page.t,
    lang: page.lang,
  });
}

function addForms(page) {
  const { root } = page;
  const undoElements = { name: $("undo-name"), reason: $("undo-reason"), error: $("undo-error") };
  page.undo = createUndoForm(undoElements, root.dataset.undoUrl, page);
  const walkInElements = { form: $("walk-in-form"), submit: $("walk-in-submit") };
  page.submitWalkIn = createWalkInForm(walkInElements, root.dataset.walkInUrl, page);
}

function addCamera(page) {
  const { display, t } = page;
  page.camera = createCamera({
    elements: cameraElements(page.root, $),
    t: t,
    repeats: page.repeats,
    onCode: (text) => handleCode(page, text),
    beforeStart: () => display.enableSound(),
    onStarted: () => {
      if (display.state === "idle") display.show(readyView(t));
    },
  });
}

// --- drawing -------------------------------------------------------------------------

function showConnection(page, value) {
  const connection = $("connection");
  const online = value && navigator.onLine;
  connection.dataset.online = String(online);
  connection.textContent = online ? page.t.online : page.t.offline;
  connection.classList.toggle("text-bg-success", online);
  connection.classList.toggle("text-bg-danger", !online);
}

function showPending(page) {
  const elements = {
    panel: $("pending-panel"),
    toggle: $("pending-toggle"),
    count: $("pending-count"),
    list: $("pending-list"),
  };
  renderPending(elements, page.queue.items, page.t, page.lang);
}

function showRosterStatus(page, state) {
  page.root.dataset.roster = state;
  $("roster-status").textContent = rosterStatusText(state, page.roster.people.length, page.t);
}

function showSearch(page) {
  renderSearch($("search-results"), page.roster.search($("search-input").value), {
    heldCheckIn: (entryId) => page.queue.pendingCheckIn(entryId),
    choose: (person) => checkInPerson(page, person),
    t: page.t,
    lang: page.lang,
  });
}

// --- scanning ------------------------------------------------------------------------

function currentAction() {
  return $("mode-check-out").checked ? "check_out" : "check_in";
}

async function handleCode(page, text) {
  const scan = ticketScan(text, currentAction());
  recognised(scan, await page.roster.recognise(scan.payload));
  page.sync.submit(scan); // the camera goes on reading while the answer is on its way
}

function checkInPerson(page, person) {
  if (!page.repeats.tap("entry:" + person.id)) return; // a double tap
  page.sync.submit(personScan(person, currentAction()));
  page.display.bringIntoView();
}

// --- wiring --------------------------------------------------------------------------

function wireControls(page) {
  const { root, sync, togglePanel } = page;
  $("camera-start").addEventListener("click", page.camera.start);
  $("camera-stop").addEventListener("click", page.camera.stop);
  $("search-toggle").addEventListener("click", () => togglePanel("search-panel"));
  $("walk-in-toggle").addEventListener("click", () => togglePanel("walk-in-panel"));
  $("pending-toggle").addEventListener("click", () => {
    if (page.queue.length === 0) togglePanel("pending-panel");
    else $("pending-panel").scrollIntoView({ block: "nearest", behavior: "smooth" });
  });
  $("sync-now").addEventListener("click", () => {
    page.refreshRoster();
    sync.flush();
  });
  $("undo-button").addEventListener("click", page.undo.open);
  $("undo-cancel").addEventListener("click", () => togglePanel("undo-panel", false));
  $("undo-form").addEventListener("submit", page.undo.submit);
  $("walk-in-form").addEventListener("submit", page.submitWalkIn);
  $("search-input").addEventListener("input", () => showSearch(page));
  for (const mode of document.querySelectorAll('input[name="scan-action"]')) {
    mode.addEventListener("change", () => {
      root.classList.toggle("is-check-out", currentAction() === "check_out");
    });
  }
}

function wireWindow(page) {
  const { sync, counts } = page;
  window.addEventListener("online", () => {
    page.setOnline(true);
    sync.flush();
    page.refreshRoster();
    counts.refresh();
  });
  window.addEventListener("offline", () => page.setOnline(false));
  window.addEventListener("storage", (event) => {
    if (event.key === page.keys.queue) page.queue.reload();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      sync.flush();
      counts.refresh();
    }
  });
}

function begin(page) {
  const checkInWindow = createWindowNotice($("checkin-window"), $("clock-warning"), page.t);
  checkInWindow.update();
  setInterval(checkInWindow.update, WINDOW_MS);
  page.setOnline(navigator.onLine);
  page.showPending();
  $("undo-button").disabled = !page.lastCheckIn.value;
  page.root.dataset.camera = "off";
  $("camera").classList.add("is-off");
  page.refreshRoster().then(() => page.sync.flush());
  setInterval(() => page.sync.flush(), SYNC_MS);
  setInterval(page.counts.refresh, COUNTS_MS);
  setInterval(page.refreshRoster, ROSTER_MS);
}

function start(root) {
  const page = createPage(root);
  addRefreshers(page);
  addSync(page);
  addCamera(page);
  addForms(page);
  wireControls(page);
  wireWindow(page);
  begin(page);
}

const root = document.getElementById("scanner");
if (root) start(root);
