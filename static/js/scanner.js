// The coordinator's scanner: the camera reads tickets with jsQR, the API answers, and while
// the connection is down the scans wait on the phone (with their own time and scan id) and
// the downloaded roster gives the answer at once.
(function () {
  "use strict";
  const root = document.getElementById("scanner");
  if (!root) return;

  const $ = (id) => document.getElementById(id);
  const t = $("scanner-i18n").dataset;
  const participationId = Number(root.dataset.participation);
  const lang = document.documentElement.lang || "vi";

  const KEY = "diemcau.scanner." + participationId + ".";
  const QUEUE_KEY = KEY + "queue";
  const ROSTER_KEY = KEY + "roster";
  const LAST_KEY = KEY + "last";
  const DEVICE_KEY = "diemcau.device";

  const SAME_CODE_MS = 3000; // the camera sees one ticket in many frames
  const FRAME_MS = 120;
  const FRAME_SIDE = 720; // frames are scaled down to this before decoding
  const COUNTS_MS = 12000;
  const SYNC_MS = 10000;
  const ROSTER_MS = 120000;
  const FETCH_TIMEOUT_MS = 10000;
  const MAX_PAYLOAD = 2000;
  const MAX_LOG = 30;

  const result = $("scan-result");
  const resultTitle = $("scan-result-title");
  const resultDetail = $("scan-result-detail");
  const resultMessage = $("scan-result-message");
  const connection = $("connection");
  const countsEl = $("counts");
  const percentEl = $("counts-percent");
  const pendingCount = $("pending-count");
  const pendingList = $("pending-list");
  const pendingToggle = $("pending-toggle");
  const log = $("scan-log");
  const camera = $("camera");
  const video = $("camera-video");
  const canvas = $("camera-canvas");
  const overlay = $("camera-overlay");
  const cameraStatus = $("camera-status");
  const startButton = $("camera-start");
  const stopButton = $("camera-stop");
  const searchInput = $("search-input");
  const searchResults = $("search-results");
  const rosterStatus = $("roster-status");
  const undoButton = $("undo-button");
  const walkInForm = $("walk-in-form");
  const undoForm = $("undo-form");

  // --- storage -----------------------------------------------------------------------

  function load(key, fallback) {
    try {
      const value = localStorage.getItem(key);
      return value === null ? fallback : JSON.parse(value);
    } catch (error) {
      return fallback;
    }
  }

  function save(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      /* private mode or full: the queue still lives in memory while the page is open */
    }
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  let deviceId = load(DEVICE_KEY, "");
  if (!deviceId) {
    deviceId = uuid();
    save(DEVICE_KEY, deviceId);
  }

  let queue = load(QUEUE_KEY, []);
  let roster = load(ROSTER_KEY, null); // {people, fetchedAt}
  let lastCheckIn = load(LAST_KEY, null); // {entry_id, name, agency}
  let latestScanId = null;
  let byDigest = new Map();
  let byId = new Map();

  function saveQueue() {
    save(QUEUE_KEY, queue);
    renderPending();
  }

  function indexRoster() {
    byDigest = new Map();
    byId = new Map();
    for (const person of roster ? roster.people : []) {
      if (person.digest) byDigest.set(person.digest, person);
      byId.set(person.id, person);
    }
  }

  function saveRoster() {
    if (roster) save(ROSTER_KEY, roster);
  }

  // --- small helpers -----------------------------------------------------------------

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, (match, key) => (key in values ? values[key] : match));
  }

  function clock(iso, seconds) {
    if (!iso) return "";
    const options = { hour: "2-digit", minute: "2-digit", hour12: false };
    if (seconds) options.second = "2-digit";
    return new Date(iso).toLocaleTimeString(lang, options);
  }

  function fold(text) {
    return (text || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d")
      .toLowerCase();
  }

  async function digestOf(text) {
    if (!window.crypto || !crypto.subtle) return null; // not a secure context
    const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : root.dataset.csrf;
  }

  async function request(url, options) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
    const headers = { Accept: "application/json" };
    if (options && options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrfToken();
    }
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        signal: controller.signal,
        method: options && options.body !== undefined ? "POST" : "GET",
        headers: headers,
        body: options && options.body !== undefined ? JSON.stringify(options.body) : undefined,
      });
      setOnline(true);
      let data = null;
      try {
        data = await response.json();
      } catch (error) {
        /* not JSON: an error page */
      }
      return { status: response.status, data: data };
    } catch (error) {
      setOnline(false);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  function currentAction() {
    return $("mode-check-out").checked ? "check_out" : "check_in";
  }

  // --- feedback ----------------------------------------------------------------------

  let audio = null;

  function signal(ok) {
    if (navigator.vibrate) navigator.vibrate(ok ? 80 : [120, 80, 120]);
    if (!audio) return;
    try {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = ok ? 880 : 220;
      gain.gain.value = 0.15;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + (ok ? 0.12 : 0.35));
    } catch (error) {
      /* no sound, the colour says it */
    }
  }

  function show(state, title, detail, message, code) {
    result.dataset.state = state;
    result.dataset.code = code || "";
    resultTitle.textContent = title || "";
    resultDetail.textContent = detail || "";
    resultMessage.textContent = message || "";
    if (state === "ok" || state === "pending") signal(true);
    if (state === "refused") signal(false);
  }

  function addLog(state, text, when) {
    const item = document.createElement("li");
    const cls = { ok: "is-ok", refused: "is-refused", pending: "is-pending" }[state] || "";
    item.className = "list-group-item " + cls;
    const time = document.createElement("span");
    time.className = "text-secondary me-2";
    time.textContent = clock(when || new Date().toISOString(), true);
    item.append(time, document.createTextNode(text));
    log.prepend(item);
    while (log.children.length > MAX_LOG) log.lastChild.remove();
  }

  let online = navigator.onLine;

  function setOnline(value) {
    online = value && navigator.onLine;
    connection.dataset.online = String(online);
    connection.textContent = online ? t.online : t.offline;
    connection.classList.toggle("text-bg-success", online);
    connection.classList.toggle("text-bg-danger", !online);
  }

  function renderPending() {
    // The list shows itself while scans wait, and goes when they are sent.
    if (queue.length > 0) $("pending-panel").classList.remove("d-none");
    else $("pending-panel").classList.add("d-none");
    pendingToggle.setAttribute("aria-expanded", String(queue.length > 0));
    pendingCount.textContent = String(queue.length);
    pendingToggle.classList.toggle("btn-warning", queue.length > 0);
    pendingToggle.classList.toggle("btn-outline-warning", queue.length === 0);
    pendingCount.classList.toggle("text-bg-dark", queue.length > 0);
    pendingCount.classList.toggle("text-bg-warning", queue.length === 0);
    pendingList.replaceChildren(
      ...queue.map((scan) => {
        const item = document.createElement("li");
        item.className = "list-group-item is-pending d-flex justify-content-between gap-2";
        item.dataset.scanId = scan.scan_id;
        const who = document.createElement("span");
        who.textContent = scan.name || t.unknownTicket;
        const what = document.createElement("span");
        what.className = "text-secondary text-nowrap";
        what.dataset.scannedAt = scan.scanned_at;
        const action = scan.action === "check_out" ? t.checkOut : t.checkIn;
        what.textContent = action + " · " + clock(scan.scanned_at, true);
        item.append(who, what);
        return item;
      })
    );
  }

  function renderCounts(checkedIn, onRoster, percent) {
    countsEl.dataset.checkedIn = String(checkedIn);
    countsEl.dataset.onRoster = String(onRoster);
    countsEl.textContent = checkedIn + " / " + onRoster;
    percentEl.textContent = "(" + percent + "%)";
  }

  // --- counts and roster -------------------------------------------------------------

  let countsTimer = null;

  async function refreshCounts() {
    if (!navigator.onLine) return;
    try {
      const answer = await request(root.dataset.countsUrl);
      if (answer.status !== 200 || !answer.data) return;
      const mine = answer.data.points.find((p) => p.participation_id === participationId);
      if (mine) renderCounts(mine.checked_in, mine.on_roster, mine.percent);
    } catch (error) {
      /* the count waits for the next round */
    }
  }

  function countsSoon() {
    clearTimeout(countsTimer);
    countsTimer = setTimeout(refreshCounts, 300);
  }

  function showRosterStatus(state) {
    const count = roster ? roster.people.length : 0;
    root.dataset.roster = state;
    const text = { loaded: t.rosterLoaded, cached: t.rosterCached, missing: t.rosterMissing }[state];
    rosterStatus.textContent = fill(text, { count: count });
  }

  async function refreshRoster() {
    if (navigator.onLine) {
      try {
        const answer = await request(root.dataset.rosterUrl);
        if (answer.status === 200 && answer.data) {
          roster = { people: answer.data.people, fetchedAt: new Date().toISOString() };
          saveRoster();
          indexRoster();
          showRosterStatus("loaded");
          renderSearch();
          return;
        }
      } catch (error) {
        /* offline: the copy on the phone serves */
      }
    }
    showRosterStatus(roster ? "cached" : "missing");
  }

  function markArrival(entryId, time) {
    const person = byId.get(entryId);
    if (!person) return;
    person.checked_in_at = time;
    saveRoster();
  }

  function pendingCheckIn(entryId) {
    return queue.find((scan) => scan.action === "check_in" && scan.entry_key === entryId);
  }

  // --- scanning ----------------------------------------------------------------------

  // What the API is sent for a scan; the rest of the object is for this page.
  function body(scan) {
    return {
      scan_id: scan.scan_id,
      device_id: deviceId,
      participation_id: participationId,
      payload: scan.payload,
      entry_id: scan.entry_id,
      scanned_at: scan.scanned_at,
      queued: scan.queued,
      action: scan.action,
    };
  }

  // final: the server decided (never resend); retry: keep it and send again later.
  async function send(scan) {
    let answer;
    try {
      answer = await request(root.dataset.scanUrl, { body: body(scan) });
    } catch (error) {
      return { retry: "network" };
    }
    const data = answer.data;
    if (data && typeof data.code === "string" && [200, 403, 404, 409].includes(answer.status)) {
      return { final: true, status: answer.status, data: data };
    }
    if (answer.status === 429) return { retry: "rate" };
    if (answer.status === 401 || answer.status === 403) return { retry: "auth" };
    if (answer.status === 400 || answer.status === 422) {
      // The request itself is wrong: sending it again cannot help.
      const invalid = { accepted: false, code: "invalid", message: t.invalid };
      return { final: true, status: answer.status, data: invalid };
    }
    return { retry: "server" };
  }

  function settle(scan, outcome) {
    const data = outcome.data;
    const title = data.name || scan.name || (data.accepted ? "" : t.refused);
    const detail = data.agency || scan.agency || "";
    const message = data.message || t.serverError;
    if (data.accepted && data.entry_id) {
      if (scan.action === "check_in") {
        markArrival(data.entry_id, data.time);
        lastCheckIn = { entry_id: data.entry_id, name: data.name, agency: data.agency };
        save(LAST_KEY, lastCheckIn);
        undoButton.disabled = false;
      }
    } else if (data.code === "already_checked_in" && data.entry_id && data.time) {
      markArrival(data.entry_id, data.time);
    }
    const state = data.accepted ? "ok" : "refused";
    if (scan.scan_id === latestScanId) show(state, title, detail, message, data.code);
    const line = title && !message.includes(title) ? title + ": " + message : message;
    addLog(state, line, scan.scanned_at);
    renderSearch();
    countsSoon();
  }

  function retryMessage(reason) {
    return { rate: t.rateLimited, auth: t.signedOut, server: t.serverError }[reason] || "";
  }

  // Held on the phone. Offline, the downloaded roster gives the answer at once.
  function hold(scan, reason) {
    scan.queued = true;
    if (!queue.some((held) => held.scan_id === scan.scan_id)) queue.push(scan);
    saveQueue();
    addLog("pending", (scan.name ? scan.name + ": " : "") + t.pendingTitle, scan.scanned_at);
    if (scan.scan_id !== latestScanId) return;
    const offline = !navigator.onLine || reason === "network";
    const note = retryMessage(reason);
    if (scan.known) {
      const message = scan.action === "check_out" ? t.pendingOut : t.pendingIn;
      show("pending", scan.name, scan.agency, message + (note ? " " + note : ""), "pending");
    } else if (offline && scan.checkable) {
      // Not on the roster this phone holds; still sent later, the server keeps every attempt.
      show("refused", t.unknownTicket, "", t.unknownOffline, "not_on_roster_offline");
    } else {
      show("pending", t.pendingTitle, "", t.pendingUnchecked + (note ? " " + note : ""), "pending");
    }
  }

  async function submit(scan) {
    latestScanId = scan.scan_id;
    if (!navigator.onLine && scan.known && scan.action === "check_in") {
      const person = byId.get(scan.entry_key);
      const earlier = pendingCheckIn(scan.entry_key);
      const arrived = (person && person.checked_in_at) || (earlier && earlier.scanned_at);
      if (arrived) {
        // Said from the downloaded roster; nothing to send.
        const message = fill(t.alreadyOffline, { time: clock(arrived) });
        show("refused", scan.name, scan.agency, message, "already_checked_in_offline");
        addLog("refused", scan.name + ": " + message, scan.scanned_at);
        return;
      }
    }
    if (!navigator.onLine || queue.length > 0) {
      // Offline, or older scans still wait: this one goes behind them, in order.
      hold(scan);
      flush();
      return;
    }
    show("busy", scan.name || t.sending, scan.agency, scan.name ? t.sending : "", "");
    const outcome = await send(scan);
    if (outcome.final) settle(scan, outcome);
    else hold(scan, outcome.retry);
  }

  let flushing = false;

  async function flush() {
    if (flushing || queue.length === 0 || !navigator.onLine) return;
    flushing = true;
    const tried = new Set();
    try {
      for (;;) {
        const scan = queue.find((held) => !tried.has(held.scan_id));
        if (!scan) break;
        tried.add(scan.scan_id);
        const outcome = await send(scan);
        if (outcome.retry) {
          if (outcome.retry === "server") continue; // this one only; the others may pass
          if (scan.scan_id === latestScanId && outcome.retry !== "network") {
            resultMessage.textContent = retryMessage(outcome.retry);
          }
          break;
        }
        queue = queue.filter((held) => held.scan_id !== scan.scan_id);
        saveQueue();
        settle(scan, outcome);
      }
    } finally {
      flushing = false;
      renderPending();
    }
  }

  async function handleCode(text) {
    const payload = text.trim().slice(0, MAX_PAYLOAD);
    const scan = {
      scan_id: uuid(),
      action: currentAction(),
      payload: payload,
      entry_id: null,
      scanned_at: new Date().toISOString(),
      queued: false,
      name: "",
      agency: "",
      known: false,
      checkable: false,
      entry_key: null,
    };
    const digest = roster ? await digestOf(payload) : null;
    if (digest) {
      scan.checkable = true;
      const person = byDigest.get(digest);
      if (person) {
        scan.known = true;
        scan.name = person.name;
        scan.agency = person.agency;
        scan.entry_key = person.id;
      }
    }
    submit(scan); // the camera goes on reading while the answer is on its way
  }

  function checkInPerson(person) {
    const key = "entry:" + person.id;
    if (key === lastText && Date.now() - lastSeen < SAME_CODE_MS) return; // a double tap
    lastText = key;
    lastSeen = Date.now();
    submit({
      scan_id: uuid(),
      action: currentAction(),
      payload: "",
      entry_id: person.id,
      scanned_at: new Date().toISOString(),
      queued: false,
      name: person.name,
      agency: person.agency,
      known: true,
      checkable: true,
      entry_key: person.id,
    });
    result.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  // --- camera ------------------------------------------------------------------------

  let stream = null;
  let frameTimer = null;
  let lastText = "";
  let lastSeen = 0;
  let decoding = false;
  const context = canvas.getContext("2d", { willReadFrequently: true });

  function onCode(text) {
    const now = Date.now();
    if (text === lastText && now - lastSeen < SAME_CODE_MS) {
      lastSeen = now; // still in front of the camera: not a new scan
      return;
    }
    lastText = text;
    lastSeen = now;
    decoding = true;
    handleCode(text).finally(() => {
      decoding = false;
    });
  }

  function readFrame() {
    frameTimer = null;
    if (!stream) return;
    if (!decoding && video.readyState >= 2 && video.videoWidth) {
      const scale = Math.min(1, FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight));
      const width = Math.round(video.videoWidth * scale);
      const height = Math.round(video.videoHeight * scale);
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      context.drawImage(video, 0, 0, width, height);
      const image = context.getImageData(0, 0, width, height);
      const code = window.jsQR(image.data, width, height, { inversionAttempts: "attemptBoth" });
      if (code && code.data) onCode(code.data);
    }
    frameTimer = setTimeout(readFrame, FRAME_MS);
  }

  async function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) {
      cameraStatus.textContent = t.cameraUnsupported;
      return;
    }
    if (!audio && window.AudioContext) {
      try {
        audio = new AudioContext();
      } catch (error) {
        audio = null;
      }
    }
    startButton.disabled = true;
    cameraStatus.textContent = t.cameraStarting;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: {
          facingMode: { ideal: "environment" },
          width: { ideal: 1280 },
          height: { ideal: 720 },
        },
        audio: false,
      });
      video.srcObject = stream;
      await video.play();
    } catch (error) {
      stopCamera();
      cameraStatus.textContent = t.cameraDenied;
      return;
    }
    for (const track of stream.getVideoTracks()) track.addEventListener("ended", stopCamera);
    cameraStatus.textContent = "";
    overlay.classList.add("d-none");
    stopButton.classList.remove("d-none");
    camera.classList.remove("is-off");
    root.dataset.camera = "on";
    if (result.dataset.state === "idle") show("idle", t.ready, t.scanning, "", "");
    readFrame();
  }

  function stopCamera() {
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    clearTimeout(frameTimer);
    video.srcObject = null;
    startButton.disabled = false;
    overlay.classList.remove("d-none");
    stopButton.classList.add("d-none");
    camera.classList.add("is-off");
    root.dataset.camera = "off";
  }

  // --- search by name ----------------------------------------------------------------

  function renderSearch() {
    const words = fold(searchInput.value).split(/\s+/).filter(Boolean);
    if (!words.length || !roster) {
      searchResults.replaceChildren();
      return;
    }
    const found = roster.people
      .filter((person) => {
        const text = fold(person.name + " " + person.agency);
        return words.every((word) => text.includes(word));
      })
      .slice(0, 30);
    if (!found.length) {
      const none = document.createElement("div");
      none.className = "list-group-item text-secondary";
      none.textContent = t.noMatch;
      searchResults.replaceChildren(none);
      return;
    }
    searchResults.replaceChildren(
      ...found.map((person) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action";
        button.dataset.entryId = String(person.id);
        const name = document.createElement("div");
        name.className = "fw-semibold";
        name.textContent = person.name;
        const agency = document.createElement("div");
        agency.className = "small text-secondary";
        agency.textContent = person.agency;
        button.append(name, agency);
        const held = pendingCheckIn(person.id);
        if (person.checked_in_at || held) {
          const arrived = document.createElement("div");
          arrived.className = "small " + (held ? "text-warning-emphasis" : "text-success");
          arrived.textContent = held
            ? t.pendingTitle + " · " + clock(held.scanned_at)
            : "✓ " + fill(t.checkedInAt, { time: clock(person.checked_in_at) });
          button.append(arrived);
        }
        button.addEventListener("click", () => checkInPerson(person));
        return button;
      })
    );
  }

  // --- walk-ins and undo -------------------------------------------------------------

  function showErrors(form, errors) {
    for (const element of form.querySelectorAll("[data-error-for]")) element.textContent = "";
    for (const input of form.querySelectorAll(".is-invalid")) input.classList.remove("is-invalid");
    const general = [];
    for (const [field, messages] of Object.entries(errors || {})) {
      const text = [].concat(messages).join(" ");
      const target = form.querySelector('[data-error-for="' + CSS.escape(field) + '"]');
      const input = form.querySelector('[name="' + CSS.escape(field) + '"]');
      if (target && input) {
        target.textContent = text;
        input.classList.add("is-invalid");
      } else {
        general.push(text);
      }
    }
    const all = form.querySelector('[data-error-for="__all__"]');
    if (all) all.textContent = general.join(" ");
  }

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
      const answer = await request(root.dataset.walkInUrl, {
        body: Object.assign({ participation_id: participationId }, fields),
      });
      if (answer.status === 201 && answer.data) {
        const data = answer.data;
        showErrors(walkInForm, {});
        walkInForm.reset();
        togglePanel("walk-in-panel", false);
        latestScanId = null;
        show("ok", data.name, data.agency, t.walkInDone, "walk_in");
        addLog("ok", data.name + ": " + t.walkInDone);
        if (roster && !byId.has(data.id)) {
          roster.people.push({
            id: data.id,
            digest: "",
            name: data.name,
            agency: data.agency,
            checked_in_at: data.checked_in_at,
          });
          saveRoster();
          indexRoster();
        }
        lastCheckIn = { entry_id: data.id, name: data.name, agency: data.agency };
        save(LAST_KEY, lastCheckIn);
        undoButton.disabled = false;
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
      const answer = await request(url, { body: { reason: reason } });
      if (answer.status === 200) {
        markArrival(lastCheckIn.entry_id, null);
        latestScanId = null;
        show("info", lastCheckIn.name, lastCheckIn.agency, t.undoDone, "undone");
        addLog("info", lastCheckIn.name + ": " + t.undoDone);
        lastCheckIn = null;
        save(LAST_KEY, null);
        undoButton.disabled = true;
        togglePanel("undo-panel", false);
        renderSearch();
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

  // --- panels ------------------------------------------------------------------------

  const toggles = {
    "search-panel": $("search-toggle"),
    "walk-in-panel": $("walk-in-toggle"),
    "pending-panel": pendingToggle,
    "undo-panel": undoButton,
  };

  function togglePanel(id, open) {
    const panel = $(id);
    const show = open === undefined ? panel.classList.contains("d-none") : open;
    panel.classList.toggle("d-none", !show);
    const button = toggles[id];
    if (button) button.setAttribute("aria-expanded", String(show));
    if (show) {
      const first = panel.querySelector("input:not([type=hidden])");
      if (first) first.focus({ preventScroll: true });
      panel.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  // --- wiring ------------------------------------------------------------------------

  startButton.addEventListener("click", startCamera);
  stopButton.addEventListener("click", stopCamera);
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
  searchInput.addEventListener("input", renderSearch);
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
    // Another tab of this page sent or held scans.
    if (event.key === QUEUE_KEY) {
      queue = load(QUEUE_KEY, []);
      renderPending();
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      flush();
      refreshCounts();
    }
  });

  setOnline(navigator.onLine);
  indexRoster();
  renderPending();
  undoButton.disabled = !lastCheckIn;
  root.dataset.camera = "off";
  camera.classList.add("is-off");
  refreshRoster().then(flush);
  setInterval(flush, SYNC_MS);
  setInterval(refreshCounts, COUNTS_MS);
  setInterval(refreshRoster, ROSTER_MS);
})();
