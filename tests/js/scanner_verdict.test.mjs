// The verdicts the phone gives on its own, from the roster and queue it holds.

// Before any date is formatted: the coordinators' clocks are in Vietnam.
process.env.TZ = "Asia/Ho_Chi_Minh";

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  LOCAL_CODES,
  MAX_PAYLOAD,
  answerView,
  busyView,
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
} from "../../static/js/scanner/verdict.js";
import { person, templateStrings, UUID4 } from "./helpers.mjs";

const t = templateStrings();
const LANG = "vi";
const NOW = new Date("2025-03-10T00:55:00Z"); // 07:55 in Hà Nội
const EARLIER = "2025-03-10T00:52:00Z"; // 07:52

function knownScan(overrides = {}) {
  const scan = ticketScan("DC1.7.1.tag", overrides.action || "check_in", {
    scanId: "scan-1",
    now: NOW,
  });
  return recognised(scan, { checkable: true, person: person(7, overrides.person) });
}

function unknownScan(checkable) {
  const scan = ticketScan("DC1.9.1.tag", "check_in", { scanId: "scan-2", now: NOW });
  return recognised(scan, { checkable: checkable, person: null });
}

const offline = (extra = {}) => ({ online: false, person: null, held: null, waiting: 0, ...extra });
const online = (extra = {}) => ({ online: true, person: null, held: null, waiting: 0, ...extra });

describe("a scan as the phone makes it", () => {
  test("a ticket keeps its own id and time, trimmed and capped like the server caps it", () => {
    const long = "  " + "x".repeat(MAX_PAYLOAD + 50) + "\n";
    const scan = ticketScan(long, "check_out", { scanId: "id-1", now: NOW });
    assert.equal(scan.scan_id, "id-1");
    assert.equal(scan.scanned_at, NOW.toISOString());
    assert.equal(scan.payload.length, MAX_PAYLOAD);
    assert.equal(scan.action, "check_out");
    assert.equal(scan.entry_id, null);
    assert.equal(scan.queued, false);
    assert.equal(scan.known, false);
    assert.equal(scan.checkable, false);
  });

  test("a ticket found on the roster carries the person's name, agency and entry", () => {
    const scan = knownScan();
    assert.equal(scan.known, true);
    assert.equal(scan.checkable, true);
    assert.equal(scan.name, "Person 7");
    assert.equal(scan.agency, "Agency 7");
    assert.equal(scan.entry_key, 7);
    // the server still reads the ticket itself, not the phone's idea of who it is
    assert.equal(scan.entry_id, null);
  });

  test("a ticket the roster could not have checked stays unknown and uncheckable", () => {
    const scan = unknownScan(false);
    assert.equal(scan.known, false);
    assert.equal(scan.checkable, false);
    assert.equal(scan.entry_key, null);
  });

  test("someone found by name is sent by entry, with no payload", () => {
    const scan = personScan(person(4), "check_in", { scanId: "id-4", now: NOW });
    assert.equal(scan.payload, "");
    assert.equal(scan.entry_id, 4);
    assert.equal(scan.entry_key, 4);
    assert.equal(scan.known, true);
    assert.equal(scan.checkable, true);
    assert.equal(scan.name, "Person 4");
  });

  test("every scan gets a fresh id when none is given", () => {
    const a = ticketScan("x", "check_in");
    const b = ticketScan("x", "check_in");
    assert.match(a.scan_id, UUID4);
    assert.notEqual(a.scan_id, b.scan_id);
  });
});

describe("what happens to a new scan", () => {
  test("offline, someone the downloaded roster shows as arrived is refused at once", () => {
    const scan = knownScan();
    const local = offline({ person: person(7, { checked_in_at: EARLIER }) });
    const decision = nextStep(scan, local, t, LANG);
    assert.equal(decision.step, "refuse");
    assert.equal(decision.view.state, "refused");
    assert.equal(decision.view.code, "already_checked_in_offline");
    assert.equal(decision.view.title, "Person 7");
    assert.equal(decision.view.detail, "Agency 7");
    assert.equal(decision.view.message, "Already checked in at 07:52 (downloaded roster).");
    assert.equal(decision.view.line, "Person 7: Already checked in at 07:52 (downloaded roster).");
  });

  test("offline, a check-in of the same person still held on the phone refuses the second", () => {
    const held = { ...knownScan(), scan_id: "earlier", scanned_at: EARLIER };
    const decision = nextStep(knownScan(), offline({ person: person(7), held }), t, LANG);
    assert.equal(decision.step, "refuse");
    assert.equal(decision.view.code, "already_checked_in_offline");
    assert.match(decision.view.message, /07:52/);
  });

  test("the roster's arrival wins over a held scan's time when both are known", () => {
    const held = { scan_id: "earlier", scanned_at: "2025-03-10T00:54:00Z" };
    const local = offline({ person: person(7, { checked_in_at: EARLIER }), held });
    assert.match(nextStep(knownScan(), local, t, LANG).view.message, /07:52/);
  });

  test("offline, someone not yet arrived is held, not refused", () => {
    assert.deepEqual(nextStep(knownScan(), offline({ person: person(7) }), t, LANG), {
      step: "hold",
    });
  });

  test("offline, a check-out is held even for someone who arrived: leaving is the point", () => {
    const scan = knownScan({ action: "check_out" });
    const local = offline({ person: person(7, { checked_in_at: EARLIER }) });
    assert.equal(nextStep(scan, local, t, LANG).step, "hold");
  });

  test("offline, a ticket the roster does not know is held for the server to judge", () => {
    assert.equal(nextStep(unknownScan(true), offline(), t, LANG).step, "hold");
    assert.equal(nextStep(unknownScan(false), offline(), t, LANG).step, "hold");
  });

  test("offline, an arrival undone on this phone no longer refuses", () => {
    // Undo sets the roster's checked_in_at back to null.
    const local = offline({ person: person(7, { checked_in_at: null }) });
    assert.equal(nextStep(knownScan(), local, t, LANG).step, "hold");
  });

  test("online, a second check-in is sent: the server has the last word", () => {
    const local = online({ person: person(7, { checked_in_at: EARLIER }) });
    assert.equal(nextStep(knownScan(), local, t, LANG).step, "send");
  });

  test("online behind held scans, a new scan waits its turn so the order is kept", () => {
    assert.equal(nextStep(knownScan(), online({ waiting: 2 }), t, LANG).step, "hold");
    assert.equal(nextStep(unknownScan(true), online({ waiting: 1 }), t, LANG).step, "hold");
  });

  test("online with nothing held, a scan is sent now", () => {
    assert.equal(nextStep(unknownScan(false), online(), t, LANG).step, "send");
    assert.equal(nextStep(knownScan(), online({ person: person(7) }), t, LANG).step, "send");
  });
});

describe("a held scan", () => {
  test("known to the roster: pending, with the name, for a check-in", () => {
    const view = heldView(knownScan(), undefined, false, t);
    assert.equal(view.state, "pending");
    assert.equal(view.code, "pending");
    assert.equal(view.title, "Person 7");
    assert.equal(view.detail, "Agency 7");
    assert.equal(view.message, t.pendingIn);
  });

  test("known to the roster: pending with the check-out words for a check-out", () => {
    const view = heldView(knownScan({ action: "check_out" }), undefined, false, t);
    assert.equal(view.message, t.pendingOut);
  });

  test("not on the downloaded roster while offline: red at once", () => {
    const view = heldView(unknownScan(true), undefined, false, t);
    assert.equal(view.state, "refused");
    assert.equal(view.code, "not_on_roster_offline");
    assert.equal(view.title, t.unknownTicket);
    assert.equal(view.message, t.unknownOffline);
  });

  test("a lost connection while sending counts as offline", () => {
    const view = heldView(unknownScan(true), "network", true, t);
    assert.equal(view.code, "not_on_roster_offline");
  });

  test("not on the roster but online (the server failed): pending, not judged", () => {
    const view = heldView(unknownScan(true), "server", true, t);
    assert.equal(view.state, "pending");
    assert.equal(view.code, "pending");
    assert.equal(view.message, t.pendingUnchecked + " " + t.serverError);
  });

  test("without a roster to check against: pending, unchecked", () => {
    const view = heldView(unknownScan(false), undefined, false, t);
    assert.equal(view.state, "pending");
    assert.equal(view.title, t.pendingTitle);
    assert.equal(view.message, t.pendingUnchecked);
  });

  test("says why it is held when the server turned it back", () => {
    assert.equal(heldView(knownScan(), "rate", true, t).message, t.pendingIn + " " + t.rateLimited);
    assert.equal(heldView(knownScan(), "auth", true, t).message, t.pendingIn + " " + t.signedOut);
    assert.equal(heldView(knownScan(), "network", true, t).message, t.pendingIn);
  });

  test("is logged with the name when known", () => {
    assert.equal(heldLine(knownScan(), t), "Person 7: " + t.pendingTitle);
    assert.equal(heldLine(unknownScan(false), t), t.pendingTitle);
  });

  test("retry reasons have words, except a lost connection which the badge shows", () => {
    assert.equal(retryMessage("rate", t), t.rateLimited);
    assert.equal(retryMessage("auth", t), t.signedOut);
    assert.equal(retryMessage("server", t), t.serverError);
    assert.equal(retryMessage("network", t), "");
    assert.equal(retryMessage(undefined, t), "");
  });
});

describe("the server's answer", () => {
  const accepted = {
    accepted: true,
    code: "checked_in",
    message: "Đỗ Thị Dung checked in.",
    entry_id: 7,
    name: "Đỗ Thị Dung",
    agency: "UBND huyện Sông Lô",
    time: EARLIER,
  };

  test("accepted: green, in the server's words, logged without repeating the name", () => {
    const view = answerView(knownScan(), accepted, t);
    assert.equal(view.state, "ok");
    assert.equal(view.code, "checked_in");
    assert.equal(view.title, "Đỗ Thị Dung");
    assert.equal(view.detail, "UBND huyện Sông Lô");
    assert.equal(view.message, "Đỗ Thị Dung checked in.");
    assert.equal(view.line, "Đỗ Thị Dung checked in.");
  });

  test("refused without a name: the roster's name, else the word Refused", () => {
    const data = { accepted: false, code: "forged", message: "Forged ticket." };
    const known = answerView(knownScan(), data, t);
    assert.equal(known.state, "refused");
    assert.equal(known.title, "Person 7");
    assert.equal(known.line, "Person 7: Forged ticket.");
    const unknown = answerView(unknownScan(false), data, t);
    assert.equal(unknown.title, t.refused);
    assert.equal(unknown.detail, "");
  });

  test("a request the server could not read is worded by the phone", () => {
    const data = { accepted: false, code: "invalid", message: "" };
    const view = answerView(unknownScan(false), data, t);
    assert.equal(view.code, "invalid");
    assert.equal(view.message, t.invalid);
  });

  test("an answer without words gets the server-error words", () => {
    const view = answerView(unknownScan(false), { accepted: false, code: "odd", message: "" }, t);
    assert.equal(view.message, t.serverError);
  });

  test("an accepted check-in is remembered on the roster and as the one to undo", () => {
    assert.deepEqual(learnFrom(knownScan(), accepted), {
      arrival: { entryId: 7, time: EARLIER },
      lastCheckIn: { entry_id: 7, name: "Đỗ Thị Dung", agency: "UBND huyện Sông Lô" },
    });
  });

  test("an accepted check-out changes neither", () => {
    const data = { ...accepted, code: "checked_out" };
    assert.deepEqual(learnFrom(knownScan({ action: "check_out" }), data), {
      arrival: null,
      lastCheckIn: null,
    });
  });

  test("already checked in teaches the roster the time of arrival, nothing to undo", () => {
    const data = { accepted: false, code: "already_checked_in", entry_id: 7, time: EARLIER };
    assert.deepEqual(learnFrom(knownScan(), data), {
      arrival: { entryId: 7, time: EARLIER },
      lastCheckIn: null,
    });
  });

  test("other refusals, or answers naming nobody, teach nothing", () => {
    const none = { arrival: null, lastCheckIn: null };
    const wrongPoint = { accepted: false, code: "wrong_point", entry_id: 7 };
    assert.deepEqual(learnFrom(knownScan(), wrongPoint), none);
    assert.deepEqual(learnFrom(knownScan(), { accepted: false, code: "already_checked_in" }), none);
    assert.deepEqual(learnFrom(knownScan(), { accepted: true, code: "checked_in" }), none);
  });
});

describe("the page's own answers", () => {
  test("while sending: the name with Sending…, or Sending… alone", () => {
    const named = busyView(knownScan(), t);
    assert.deepEqual([named.state, named.title, named.message, named.code], [
      "busy",
      "Person 7",
      t.sending,
      "",
    ]);
    const anonymous = busyView(unknownScan(false), t);
    assert.deepEqual([anonymous.title, anonymous.message], [t.sending, ""]);
  });

  test("ready, walk-in and undo have codes of their own", () => {
    assert.equal(readyView(t).state, "idle");
    assert.equal(readyView(t).detail, t.scanning);
    const entry = { id: 12, name: "Hoàng Văn Khách", agency: "UBND xã Lãng Công" };
    assert.equal(walkInView(entry, t).code, "walk_in");
    assert.equal(walkInView(entry, t).line, "Hoàng Văn Khách: " + t.walkInDone);
    assert.equal(undoneView(entry, t).code, "undone");
    assert.equal(undoneView(entry, t).state, "info");
  });

  test("every code the page makes up is declared as the phone's own", () => {
    const views = [
      nextStep(knownScan(), offline({ person: person(7, { checked_in_at: EARLIER }) }), t, LANG)
        .view,
      heldView(knownScan(), undefined, false, t),
      heldView(unknownScan(true), undefined, false, t),
      heldView(unknownScan(false), undefined, false, t),
      answerView(unknownScan(false), { accepted: false, code: "invalid", message: "" }, t),
      walkInView({ name: "A", agency: "" }, t),
      undoneView({ name: "A", agency: "" }, t),
    ];
    for (const view of views) assert.ok(view.code in LOCAL_CODES, view.code);
    assert.equal(busyView(knownScan(), t).code, "");
    assert.equal(readyView(t).code, "");
  });
});
