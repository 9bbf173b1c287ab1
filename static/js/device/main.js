// The paired phone's scanner page: the same camera, roster and answers as the coordinator's
// scanner, but signed in by the phone's device token alone and deciding on the phone. Every
// scan is answered at once from the roster kept here and queued; the queue goes to the
// server in batches (scanner/batch.js), whose final verdicts correct the screen when they
// differ. A service worker keeps this page and its files, so it opens with no network.

import { cameraElements, createCamera, createRepeatFilter } from "../scanner/camera.js";
import {
  ALREADY_HERE,
  CHECKED_IN_HERE,
  ENDED_HERE,
  NOT_OPEN_HERE,
  localVerdict,
  overturns,
  PhoneSync,
  phoneKeys,
  undoChange,
  walkInChange,
  walkInProblems,
} from "../scanner/batch.js";
import { deviceFor, pairedPoints } from "../scanner/device.js";
import {
  createPanels,
  renderCounts,
  renderPending,
  renderSearch,
  showErrors,
} from "../scanner/panels.js";
import { RosterCache } from "../scanner/roster.js";
import { load, save } from "../scanner/storage.js";
import { clock, fill } from "../scanner/text.js";
import { LastCheckIn } from "../scanner/undo.js";
import {
  answerView,
  createDisplay,
  personScan,
  readyView,
  recognised,
  ticketScan,
  undoneView,
  walkInView,
} from "../scanner/verdict.js";
import { createWindowNotice } from "../scanner/window.js";

const TICK_MS = 1000;
const WINDOW_MS = 15000;
const REQUEST_TIMEOUT_MS = 15000;

const $ = (id) => document.getElementById(id);

// The point this page scans for: #p=<id> in the address, or the only one the phone has.
function chosenPoint(storage) {
  const match = location.hash.match(/p=(\d+)/);
  if (match && deviceFor(storage, Number(match[1]))) return Number(match[1]);
  const points = pairedPoints(storage);
  return points.length === 1 ? points[0] : null;
}

function createPost(url, token) {
  return async function post(body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/json",
          Authorization: "Bearer " + token,
        },
        body: JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
        signal: controller.signal,
      });
      const data = response.headers.get("content-type")?.includes("json")
        ? await response.json()
        : null;
      return { status: response.status, data: data };
    } catch (error) {
      return { status: 0, data: null };
    } finally {
      clearTimeout(timer);
    }
  };
}

// What the phone says of a scan before the server does, in the page's words.
function localView(scan, local, t, lang) {
  const name = scan.name || t.unknownTicket;
  const view = (state, message) => ({
    state: state,
    title: name,
    detail: scan.agency || "",
    message: message,
    code: local.code,
    line: name + ": " + message,
  });
  if (local.code === CHECKED_IN_HERE) return view("ok", t.checkedInHere);
  // Outside the check-in window: the notice's own words (when it opens, or that it closed).
  if (local.code === NOT_OPEN_HERE || local.code === ENDED_HERE) {
    return view("refused", $("checkin-window").textContent);
  }
  if (local.code === ALREADY_HERE) {
    return view("refused", fill(t.alreadyOffline, { time: clock(local.time, false, lang) }));
  }
  if (local.accepted) return view("ok", t.checkedOutHere);
  if (local.accepted === false) return view("refused", t.unknownOffline);
  return view("pending", t.pendingUnchecked);
}

function start(root, storage) {
  const t = $("scanner-i18n").dataset;
  const lang = document.documentElement.lang || "vi";
  const participationId = chosenPoint(storage);
  if (participationId === null) {
    root.dataset.state = "unpaired";
    $("phone-unpaired").hidden = false;
    return;
  }
  const device = deviceFor(storage, participationId);
  const keys = phoneKeys(participationId);
  const roster = new RosterCache(storage, keys.roster);
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
    "walk-in-panel": $("walk-in-toggle"),
    "undo-panel": $("undo-button"),
  });
  const lastCheckIn = new LastCheckIn(storage, keys.last, (value) => {
    $("undo-button").disabled = !value;
  });
  let point = load(storage, keys.point, null);
  let counts = point ? point.counts : null;
  let checkInWindow = null;
  let reachable = navigator.onLine;
  root.dataset.participation = String(participationId);
  $("phone-scanner").hidden = false;

  function showPoint() {
    if (!point) return;
    $("phone-point").textContent = point.point;
    $("phone-session").textContent = point.session;
    const notice = $("checkin-window");
    notice.dataset.opensAt = String(Date.parse(point.checkin_opens_at) / 1000);
    notice.dataset.closesAt = String(Date.parse(point.checkin_closes_at) / 1000);
    // The server's clock now, as last measured against this phone's.
    notice.dataset.serverNow = String((Date.now() + point.offset_ms) / 1000);
    notice.dataset.textNotOpenYet = point.texts.not_open_yet;
    notice.dataset.textOpen = point.texts.open;
    notice.dataset.textEnded = point.texts.ended;
    notice.textContent = "";
    notice.hidden = false;
    checkInWindow = createWindowNotice(notice, $("clock-warning"), t);
    checkInWindow.update();
  }

  function showCounts() {
    if (!counts) return;
    const held = sync.heldCounts;
    const checkedIn = counts.checked_in + held.checkedIn;
    const onRoster = counts.on_roster + held.onRoster;
    const percent = onRoster ? Math.round((100 * checkedIn) / onRoster) : 0;
    const elements = { counts: $("counts"), percent: $("counts-percent") };
    renderCounts(elements, checkedIn, onRoster, percent);
  }

  function showQueue() {
    const elements = {
      panel: $("pending-panel"),
      toggle: $("pending-toggle"),
      count: $("pending-count"),
      list: $("pending-list"),
    };
    renderPending(elements, sync.queue, t, lang);
    showCounts();
  }

  function showConnection() {
    const online = reachable && navigator.onLine;
    const badge = $("connection");
    badge.dataset.online = String(online);
    badge.textContent = online ? t.online : t.offline;
    badge.classList.toggle("text-bg-success", online);
    badge.classList.toggle("text-bg-danger", !online);
  }

  function showSearch() {
    renderSearch($("search-results"), roster.search($("search-input").value), {
      heldCheckIn: (entryId) => sync.heldCheckIn(entryId),
      choose: (person) => take(personScan(person, currentAction())),
      t: t,
      lang: lang,
    });
  }

  function keepPoint(data, receivedAt) {
    point = {
      point: data.point,
      session: data.session,
      checkin_opens_at: data.checkin_opens_at,
      checkin_closes_at: data.checkin_closes_at,
      texts: data.texts,
      counts: data.counts,
      offset_ms: Date.parse(data.roster.cursor) - receivedAt,
    };
    counts = data.counts;
    save(storage, keys.point, point);
    showPoint();
  }

  const sync = new PhoneSync({
    storage: storage,
    keys: keys,
    post: createPost(root.dataset.syncUrl, device.token),
    roster: roster,
    answered: (scan, verdict) => {
      if (!overturns(scan.local, verdict)) return;
      // The server knows better: say so big, whatever was scanned since.
      const view = answerView(scan, verdict, t);
      view.message = t.corrected + " " + view.message;
      view.line = (scan.name || verdict.name || t.unknownTicket) + ": " + view.message;
      display.show(view);
      $("scan-result").dataset.corrected = "true";
      display.log(view.state, view.line, scan.scanned_at);
    },
    synced: (data) => {
      counts = data.counts;
      if (point) {
        point.counts = data.counts;
        save(storage, keys.point, point);
      }
      reachable = true;
      showConnection();
      showSearch();
      root.dataset.synced = String(Date.now());
    },
    refused: () => {
      root.dataset.state = "revoked";
      $("phone-revoked").hidden = false;
      camera.stop();
      $("camera-start").disabled = true;
    },
    changed: () => showQueue(),
  });

  async function loadRoster() {
    try {
      const response = await fetch(root.dataset.rosterUrl, {
        headers: { Accept: "application/json", Authorization: "Bearer " + device.token },
        credentials: "omit",
        cache: "no-store",
      });
      if (response.status === 401 || response.status === 403) {
        sync.refused(response.status);
        return;
      }
      if (!response.ok) return;
      const data = await response.json();
      keepPoint(data, Date.now());
      roster.replace(data.roster.people, data.roster.cursor);
      sync.cursor = data.roster.cursor;
      save(storage, keys.cursor, sync.cursor);
      sync.setPace(data.next_sync_seconds);
      sync.lastSync = Date.now();
      reachable = true;
      root.dataset.roster = "loaded";
      showQueue();
      showSearch();
    } catch (error) {
      reachable = false;
    }
    showConnection();
  }

  function currentAction() {
    return $("mode-check-out").checked ? "check_out" : "check_in";
  }

  function take(scan) {
    if (root.dataset.state === "revoked") return;
    delete $("scan-result").dataset.corrected;
    const state = checkInWindow ? checkInWindow.update() : "open";
    const local = localVerdict(
      scan,
      roster.person(scan.entry_key),
      sync.heldCheckIn(scan.entry_key),
      state
    );
    const view = localView(scan, local, t, lang);
    display.show(view);
    display.log(view.state, view.line, scan.scanned_at);
    sync.add(scan, local);
    if (local.accepted && scan.action === "check_in" && scan.entry_key !== null) {
      lastCheckIn.set({ entry_id: scan.entry_key, name: scan.name, agency: scan.agency });
    }
    showSearch();
  }

  // A walk-in is added on this phone at once and sent with the next batch.
  function submitWalkIn(event) {
    event.preventDefault();
    if (root.dataset.state === "revoked") return;
    const form = $("walk-in-form");
    const change = walkInChange(Object.fromEntries(new FormData(form).entries()));
    const problems = walkInProblems(change.person, t);
    showErrors(form, problems);
    if (Object.keys(problems).length) return;
    form.reset();
    togglePanel("walk-in-panel", false);
    const view = walkInView({ name: change.name, agency: change.agency }, t);
    display.show(view);
    display.log(view.state, view.line, change.scanned_at);
    sync.add(change, { accepted: true, code: "walk_in" });
    // Their entry is made by the server: until then there is nothing to undo.
    lastCheckIn.set(null);
  }

  function openUndo() {
    const last = lastCheckIn.value;
    if (!last) return;
    $("undo-name").textContent = last.name + (last.agency ? " · " + last.agency : "");
    $("undo-error").textContent = "";
    togglePanel("undo-panel", true);
  }

  function submitUndo(event) {
    event.preventDefault();
    const last = lastCheckIn.value;
    const reason = $("undo-reason").value.trim();
    if (!last) return;
    if (!reason) {
      $("undo-error").textContent = t.undoReason;
      return;
    }
    $("undo-form").reset();
    togglePanel("undo-panel", false);
    const view = undoneView(last, t);
    display.show(view);
    display.log(view.state, view.line);
    sync.add(undoChange(last, reason), { accepted: true, code: "undone" });
    lastCheckIn.set(null);
    showSearch();
  }

  const repeats = createRepeatFilter();
  const camera = createCamera({
    elements: cameraElements(root, $),
    t: t,
    repeats: repeats,
    onCode: async (text) => {
      const scan = ticketScan(text, currentAction());
      recognised(scan, await roster.recognise(scan.payload));
      take(scan);
    },
    beforeStart: () => display.enableSound(),
    onStarted: () => {
      if (display.state === "idle") display.show(readyView(t));
    },
  });

  async function tick() {
    if (checkInWindow && Date.now() % WINDOW_MS < TICK_MS) checkInWindow.update();
    if (!navigator.onLine || root.dataset.state === "revoked" || !sync.due()) return;
    const answered = await sync.sync();
    // Scans still waiting after a full batch are due again at the next tick.
    reachable = answered;
    showConnection();
  }

  $("camera-start").addEventListener("click", camera.start);
  $("camera-stop").addEventListener("click", camera.stop);
  $("search-input").addEventListener("input", showSearch);
  $("walk-in-toggle").addEventListener("click", () => togglePanel("walk-in-panel"));
  $("walk-in-form").addEventListener("submit", submitWalkIn);
  $("undo-button").addEventListener("click", openUndo);
  $("undo-cancel").addEventListener("click", () => togglePanel("undo-panel", false));
  $("undo-form").addEventListener("submit", submitUndo);
  $("undo-button").disabled = !lastCheckIn.value;
  $("sync-now").addEventListener("click", () => sync.sync());
  $("pending-toggle").addEventListener("click", () => {
    $("pending-panel").scrollIntoView({ block: "nearest", behavior: "smooth" });
  });
  for (const mode of document.querySelectorAll('input[name="scan-action"]')) {
    mode.addEventListener("change", () => {
      root.classList.toggle("is-check-out", currentAction() === "check_out");
    });
  }
  window.addEventListener("online", () => {
    showConnection();
    sync.lastFailure = null;
    sync.sync().then((answered) => {
      reachable = answered;
      showConnection();
    });
  });
  window.addEventListener("offline", showConnection);

  showPoint();
  showConnection();
  showQueue();
  root.dataset.roster = roster.loaded ? "cached" : "missing";
  $("camera").classList.add("is-off");
  if (!roster.loaded || navigator.onLine) loadRoster();
  setInterval(tick, TICK_MS);
}

const root = document.getElementById("phone");
if (root) {
  start(root, globalThis.localStorage);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.workerUrl).catch(() => {
      /* no offline copy: the page still works while online */
    });
  }
}
