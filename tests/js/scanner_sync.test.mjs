// How a scan reaches the server (sync.js): sent at once, held on the phone, or refused from
// the downloaded roster; and how the held scans are sent when the connection returns.

// Before any date is formatted: the coordinators' clocks are in Vietnam.
process.env.TZ = "Asia/Ho_Chi_Minh";

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ScanQueue } from "../../static/js/scanner/queue.js";
import { RosterCache } from "../../static/js/scanner/roster.js";
import { keysFor } from "../../static/js/scanner/storage.js";
import { ScanSync } from "../../static/js/scanner/sync.js";
import { LastCheckIn } from "../../static/js/scanner/undo.js";
import { personScan, walkInView } from "../../static/js/scanner/verdict.js";
import { MemoryStorage, person, templateStrings } from "./helpers.mjs";

const t = templateStrings();
const KEYS = keysFor(5);
const ARRIVED = "2025-03-10T00:52:00Z"; // 07:52 in Hà Nội

// What the display was told, in order; the real one draws it on #scan-result and #scan-log.
function recordingDisplay() {
  return {
    shown: [],
    logged: [],
    notes: [],
    show(view) {
      this.shown.push(view);
    },
    log(state, line, when) {
      this.logged.push({ state, line, when });
    },
    note(text) {
      this.notes.push(text);
    },
    get last() {
      return this.shown[this.shown.length - 1];
    },
  };
}

// The server's outcome (see api.scanOutcome) for a check-in of person `id`.
function accepted(id) {
  const data = {
    accepted: true,
    code: "checked_in",
    message: "Person " + id + " checked in",
    name: "Person " + id,
    agency: "Agency " + id,
    entry_id: id,
    time: ARRIVED,
  };
  return { final: true, status: 200, data: data };
}

// A phone with people 1-3 on its roster. answers(scan) gives the server's outcome, or a
// promise of it; every scan sent is kept in `sent`.
function phone({ online = true, answers = (scan) => accepted(scan.entry_id) } = {}) {
  const storage = new MemoryStorage();
  const roster = new RosterCache(storage, KEYS.roster);
  roster.replace([person(1), person(2), person(3)], "2025-03-10T00:00:00Z");
  const counters = { answered: 0, flushed: 0 };
  const state = { online: online, sent: [], counters: counters, storage: storage, roster: roster };
  state.display = recordingDisplay();
  state.queue = new ScanQueue(storage, KEYS.queue);
  state.lastCheckIn = new LastCheckIn(storage, KEYS.last);
  state.sync = new ScanSync({
    queue: state.queue,
    roster: roster,
    display: state.display,
    send: async (scan) => {
      state.sent.push(scan.scan_id);
      return answers(scan);
    },
    online: () => state.online,
    lastCheckIn: state.lastCheckIn,
    answered: () => counters.answered++,
    flushed: () => counters.flushed++,
    t: t,
    lang: "vi",
  });
  return state;
}

const scanOf = (id, scanId, action = "check_in") =>
  personScan(person(id), action, { scanId: scanId, now: new Date("2025-03-10T00:55:00Z") });

// A promise settled from outside, for answers that arrive while something else happens.
function later() {
  let resolve;
  const promise = new Promise((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

// submit starts a round of sending without waiting for it; its sends are all answered at once
// here, so the round is over once the pending promise callbacks have run.
const roundsEnded = () => new Promise((resolve) => setImmediate(resolve));

describe("a new scan", () => {
  test("online with nothing held, it is sent at once and its answer is shown", async () => {
    const p = phone();
    await p.sync.submit(scanOf(1, "s1"));
    assert.deepEqual(p.sent, ["s1"]);
    assert.deepEqual(p.display.shown.map((view) => view.state), ["busy", "ok"]);
    assert.equal(p.display.last.code, "checked_in");
    assert.deepEqual(p.display.logged, [
      { state: "ok", line: "Person 1 checked in", when: "2025-03-10T00:55:00.000Z" },
    ]);
    assert.equal(p.queue.length, 0);
    assert.equal(p.counters.answered, 1);
  });

  test("an accepted check-in is remembered for undo and marked on the roster copy", async () => {
    const p = phone();
    await p.sync.submit(scanOf(2, "s1"));
    assert.deepEqual(p.lastCheckIn.value, { entry_id: 2, name: "Person 2", agency: "Agency 2" });
    assert.deepEqual(new LastCheckIn(p.storage, KEYS.last).value, p.lastCheckIn.value);
    assert.equal(p.roster.person(2).checked_in_at, ARRIVED);
  });

  test("offline, it is held on the phone, logged and shown as pending, and not sent", async () => {
    const p = phone({ online: false });
    await p.sync.submit(scanOf(1, "s1"));
    assert.deepEqual(p.sent, []);
    assert.deepEqual(p.queue.items.map((scan) => scan.scan_id), ["s1"]);
    assert.equal(p.display.last.state, "pending");
    assert.equal(p.display.last.message, t.pendingIn);
    assert.deepEqual(p.display.logged.map((entry) => entry.state), ["pending"]);
    assert.equal(p.counters.answered, 0);
  });

  test("offline, a second check-in of someone who arrived is refused, not held", async () => {
    const p = phone({ online: false });
    p.roster.markArrival(3, ARRIVED);
    await p.sync.submit(scanOf(3, "s1"));
    assert.equal(p.queue.length, 0);
    assert.deepEqual(p.sent, []);
    assert.equal(p.display.last.state, "refused");
    assert.equal(p.display.last.code, "already_checked_in_offline");
    assert.match(p.display.last.message, /07:52/);
    assert.deepEqual(p.display.logged.map((entry) => entry.state), ["refused"]);
  });

  test("behind held scans, it waits its turn: the server gets them oldest first", async () => {
    const p = phone({ online: false });
    await p.sync.submit(scanOf(1, "older"));
    p.online = true;
    await p.sync.submit(scanOf(2, "newer"));
    await roundsEnded();
    assert.deepEqual(p.sent, ["older", "newer"]);
    assert.equal(p.queue.length, 0);
  });

  test("an answer the server could not give keeps the scan, saying why", async () => {
    const p = phone({ answers: () => ({ retry: "server" }) });
    await p.sync.submit(scanOf(1, "s1"));
    assert.deepEqual(p.queue.items.map((scan) => scan.scan_id), ["s1"]);
    assert.equal(p.display.last.state, "pending");
    assert.equal(p.display.last.message, t.pendingIn + " " + t.serverError);
  });

  test("the answer to an older scan goes to the log; the display keeps the newer one", async () => {
    const first = later();
    const p = phone({ answers: (scan) => (scan.scan_id === "s1" ? first.promise : accepted(2)) });
    const slow = p.sync.submit(scanOf(1, "s1"));
    await p.sync.submit(scanOf(2, "s2"));
    first.resolve(accepted(1));
    await slow;
    assert.equal(p.display.last.title, "Person 2");
    assert.deepEqual(p.display.logged.map((entry) => entry.line), [
      "Person 2 checked in",
      "Person 1 checked in",
    ]);
  });

  test("a walk-in or undo shown meanwhile keeps the display from a late answer", async () => {
    const answer = later();
    const p = phone({ answers: () => answer.promise });
    const slow = p.sync.submit(scanOf(1, "s1"));
    const walkIn = walkInView({ id: 9, name: "Khách", agency: "" }, t);
    p.sync.announce(walkIn);
    answer.resolve(accepted(1));
    await slow;
    assert.equal(p.display.last, walkIn);
    assert.deepEqual(p.display.logged.map((entry) => entry.state), ["ok", "ok"]);
    assert.equal(p.display.logged[0].line, walkIn.line);
  });
});

describe("sending the held scans", () => {
  test("does nothing offline or with nothing held, and says nothing", async () => {
    const p = phone({ online: false });
    await p.sync.flush();
    await p.sync.submit(scanOf(1, "s1"));
    await p.sync.flush();
    assert.deepEqual(p.sent, []);
    p.online = true;
    p.queue.remove("s1");
    await p.sync.flush();
    assert.deepEqual(p.sent, []);
    assert.equal(p.counters.flushed, 0);
  });

  test("sends each once, takes each answer, and redraws the list when done", async () => {
    const p = phone({ online: false });
    await p.sync.submit(scanOf(1, "s1"));
    await p.sync.submit(scanOf(2, "s2"));
    p.online = true;
    await p.sync.flush();
    assert.deepEqual(p.sent, ["s1", "s2"]);
    assert.equal(p.queue.length, 0);
    assert.equal(p.counters.answered, 2);
    assert.equal(p.counters.flushed, 1);
    // Only the latest scan takes over the display when its answer comes.
    assert.equal(p.display.last.title, "Person 2");
  });

  test("runs one round at a time, so a scan is not sent twice by overlapping rounds", async () => {
    const answer = later();
    const p = phone({ online: false, answers: () => answer.promise });
    await p.sync.submit(scanOf(1, "s1"));
    p.online = true;
    const rounds = [p.sync.flush(), p.sync.flush()];
    answer.resolve(accepted(1));
    await Promise.all(rounds);
    assert.deepEqual(p.sent, ["s1"]);
    assert.equal(p.counters.flushed, 1);
  });

  test("a round ended by the rate limit says so under the latest scan", async () => {
    const p = phone({ online: false, answers: () => ({ retry: "rate" }) });
    await p.sync.submit(scanOf(1, "s1"));
    p.online = true;
    await p.sync.flush();
    assert.deepEqual(p.display.notes, [t.rateLimited]);
    assert.equal(p.queue.length, 1);
    assert.equal(p.counters.flushed, 1);
  });

  test("a round ended by a lost connection leaves the words to the badge", async () => {
    const p = phone({ online: false, answers: () => ({ retry: "network" }) });
    await p.sync.submit(scanOf(1, "s1"));
    p.online = true;
    await p.sync.flush();
    assert.deepEqual(p.display.notes, []);
    assert.equal(p.queue.length, 1);
  });

  test("a round ended for an older scan leaves the display to the latest one", async () => {
    const p = phone({ online: false, answers: () => ({ retry: "auth" }) });
    await p.sync.submit(scanOf(1, "s1"));
    p.sync.announce(walkInView({ id: 9, name: "Khách", agency: "" }, t));
    p.online = true;
    await p.sync.flush();
    assert.deepEqual(p.display.notes, []);
  });
});
