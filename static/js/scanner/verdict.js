// What the scanner tells the coordinator about a scan. The rules are pure functions of the
// scan, what the phone holds (roster, queue) and whether it is online, so Node tests them;
// the display at the bottom is the only part that touches the page, and only when called.
//
// A view is {state, title, detail, message, code, line}: state colours #scan-result (ok,
// refused, pending, busy, info, idle), code goes to its data-code, line to the scan log.

import { uuid } from "./storage.js";
import { clock, fill } from "./text.js";

// The server caps a scanned text at this; longer is not a ticket anyway.
export const MAX_PAYLOAD = 2000;
const MAX_LOG = 30;

// Server reasons (MESSAGES in attendance/services) this module names: it learns arrivals
// from the first, and the offline verdicts below stand in for them until the server speaks.
export const ALREADY_CHECKED_IN = "already_checked_in";
export const NOT_ON_ROSTER = "not_on_roster";
export const SERVER_REASONS = [ALREADY_CHECKED_IN, NOT_ON_ROSTER];

// The phone's own codes, shown in data-code where no server answer is (yet) known. None may
// be a server reason, or the page could not tell who decided; each offline verdict is named
// after the server reason it stands in for (the server may still answer another, such as
// wrong_point for a ticket missing from this point's roster).
export const LOCAL_CODES = {
  pending: null,
  invalid: null,
  walk_in: null,
  undone: null,
  not_on_roster_offline: NOT_ON_ROSTER,
  already_checked_in_offline: ALREADY_CHECKED_IN,
};

// line: the scan log's entry, for the views that are logged.
function view(state, title, detail, message, code, line = "") {
  return { state, title, detail, message, code, line };
}

// --- scans ---------------------------------------------------------------------------

export function ticketScan(text, action, { scanId = uuid(), now = new Date() } = {}) {
  return {
    scan_id: scanId,
    action: action,
    payload: text.trim().slice(0, MAX_PAYLOAD),
    entry_id: null,
    scanned_at: now.toISOString(),
    queued: false,
    name: "",
    agency: "",
    // known: found on the downloaded roster; checkable: the roster could have found it.
    known: false,
    checkable: false,
    entry_key: null,
  };
}

// What the downloaded roster says about a ticket scan (see RosterCache.recognise).
export function recognised(scan, recognition) {
  scan.checkable = recognition.checkable;
  const person = recognition.person;
  if (person) {
    scan.known = true;
    scan.name = person.name;
    scan.agency = person.agency;
    scan.entry_key = person.id;
  }
  return scan;
}

// Someone found by name: no ticket to check, so the server is sent the roster entry.
export function personScan(person, action, { scanId = uuid(), now = new Date() } = {}) {
  return {
    scan_id: scanId,
    action: action,
    payload: "",
    entry_id: person.id,
    scanned_at: now.toISOString(),
    queued: false,
    name: person.name,
    agency: person.agency,
    known: true,
    checkable: true,
    entry_key: person.id,
  };
}

// --- rules ---------------------------------------------------------------------------

// What to do with a new scan. Offline, a second check-in of someone the phone already saw
// arrive (on the roster it downloaded, or in a scan it holds) is refused at once and not
// sent: the server would refuse it too. Offline or behind older held scans, it is held so
// the server gets the scans in the order they were made. Otherwise it is sent now.
// local: {online, person (the roster's entry for scan.entry_key), held (a held check-in of
// the same person), waiting (how many scans are held)}.
export function nextStep(scan, local, t, lang) {
  if (!local.online && scan.known && scan.action === "check_in") {
    const arrived =
      (local.person && local.person.checked_in_at) || (local.held && local.held.scanned_at);
    if (arrived) {
      const message = fill(t.alreadyOffline, { time: clock(arrived, false, lang) });
      const line = scan.name + ": " + message;
      const code = "already_checked_in_offline";
      return { step: "refuse", view: view("refused", scan.name, scan.agency, message, code, line) };
    }
  }
  if (!local.online || local.waiting > 0) return { step: "hold" };
  return { step: "send" };
}

export function retryMessage(reason, t) {
  return { rate: t.rateLimited, auth: t.signedOut, server: t.serverError }[reason] || "";
}

// A scan just held. Known to the roster: pending, with the name. A ticket the roster could
// have recognised but did not, while offline: red at once, since the coordinator must turn
// the person away now, not when the server answers; it is still sent, as the server keeps
// every attempt and may know better (a newer roster). Anything else: pending, unchecked.
export function heldView(scan, reason, online, t) {
  const offline = !online || reason === "network";
  const note = retryMessage(reason, t);
  const noted = (message) => message + (note ? " " + note : "");
  if (scan.known) {
    const message = noted(scan.action === "check_out" ? t.pendingOut : t.pendingIn);
    return view("pending", scan.name, scan.agency, message, "pending");
  }
  if (offline && scan.checkable) {
    return view("refused", t.unknownTicket, "", t.unknownOffline, "not_on_roster_offline");
  }
  return view("pending", t.pendingTitle, "", noted(t.pendingUnchecked), "pending");
}

export function heldLine(scan, t) {
  return (scan.name ? scan.name + ": " : "") + t.pendingTitle;
}

export function busyView(scan, t) {
  return view("busy", scan.name || t.sending, scan.agency, scan.name ? t.sending : "", "");
}

// The server's answer, in its own words: its message is translated and names the person,
// the point or the time, so the phone adds none of its own except for "invalid", which the
// server never words (the request did not reach the check-in service).
export function answerView(scan, data, t) {
  const title = data.name || scan.name || (data.accepted ? "" : t.refused);
  const detail = data.agency || scan.agency || "";
  const message = data.message || (data.code === "invalid" ? t.invalid : t.serverError);
  const line = title && !message.includes(title) ? title + ": " + message : message;
  return view(data.accepted ? "ok" : "refused", title, detail, message, data.code, line);
}

// What the phone learns from an answer: an arrival for its roster copy (so the offline rule
// above stays true) and the check-in that "Undo last" would take back.
export function learnFrom(scan, data) {
  if (data.accepted && data.entry_id) {
    if (scan.action !== "check_in") return { arrival: null, lastCheckIn: null };
    return {
      arrival: { entryId: data.entry_id, time: data.time },
      lastCheckIn: { entry_id: data.entry_id, name: data.name, agency: data.agency },
    };
  }
  if (data.code === ALREADY_CHECKED_IN && data.entry_id && data.time) {
    return { arrival: { entryId: data.entry_id, time: data.time }, lastCheckIn: null };
  }
  return { arrival: null, lastCheckIn: null };
}

export function readyView(t) {
  return view("idle", t.ready, t.scanning, "", "");
}

export function walkInView(entry, t) {
  const line = entry.name + ": " + t.walkInDone;
  return view("ok", entry.name, entry.agency, t.walkInDone, "walk_in", line);
}

export function undoneView(last, t) {
  return view("info", last.name, last.agency, t.undoDone, "undone", last.name + ": " + t.undoDone);
}

// --- display -------------------------------------------------------------------------

// elements: result, title, detail, message (the parts of #scan-result) and log (#scan-log).
export function createDisplay(elements, lang) {
  let audio = null;

  // Coordinators work in noise and glare: a buzz and a tone say the answer without a look.
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

  return {
    get state() {
      return elements.result.dataset.state;
    },

    // Browsers allow sound only from a context made during a tap, such as "Start camera".
    enableSound() {
      if (audio || !window.AudioContext) return;
      try {
        audio = new AudioContext();
      } catch (error) {
        audio = null;
      }
    },

    show(view) {
      elements.result.dataset.state = view.state;
      elements.result.dataset.code = view.code || "";
      elements.title.textContent = view.title || "";
      elements.detail.textContent = view.detail || "";
      elements.message.textContent = view.message || "";
      if (view.state === "ok" || view.state === "pending") signal(true);
      if (view.state === "refused") signal(false);
    },

    note(text) {
      elements.message.textContent = text;
    },

    bringIntoView() {
      elements.result.scrollIntoView({ block: "nearest", behavior: "smooth" });
    },

    log(state, text, when) {
      const item = document.createElement("li");
      const cls = { ok: "is-ok", refused: "is-refused", pending: "is-pending" }[state] || "";
      item.className = "list-group-item " + cls;
      const time = document.createElement("span");
      time.className = "text-secondary me-2";
      time.textContent = clock(when || new Date().toISOString(), true, lang);
      item.append(time, document.createTextNode(text));
      elements.log.prepend(item);
      while (elements.log.children.length > MAX_LOG) elements.log.lastChild.remove();
    },
  };
}
