// A paired phone answers every scan at once from the roster it keeps, queues it, and syncs
// the queue in batches; the server's verdicts correct it and its roster changes keep the
// copy fresh (static/js/scanner/batch.js).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  ALREADY_HERE,
  BATCH_SIZE,
  batchOf,
  undoChange,
  walkInChange,
  walkInProblems,
  BUSY_MS,
  CHECKED_IN_HERE,
  IDLE_MS,
  mergedPeople,
  overturns,
  PhoneSync,
  phoneKeys,
  localVerdict,
  RETRY_MS,
  syncBody,
  syncDue,
  UNCHECKED,
  UNKNOWN_HERE,
} from "../../static/js/scanner/batch.js";
import { RosterCache } from "../../static/js/scanner/roster.js";
import { MemoryStorage } from "./helpers.mjs";

const MANH = { id: 1, digest: "aa", name: "Nguyễn Văn Mạnh", agency: "UBND", checked_in_at: null };
const ANH = { id: 2, digest: "bb", name: "Trần Thị Ánh", agency: "UBND", checked_in_at: null };

function scanOf(person, { action = "check_in", id = "s-" + person.id, at = "2026-12-05T01:00:00Z" } = {}) {
  return {
    scan_id: id,
    action: action,
    payload: "DCT." + person.id,
    entry_id: null,
    scanned_at: at,
    name: person.name,
    agency: person.agency,
    known: true,
    checkable: true,
    entry_key: person.id,
  };
}

function answer(scans, { accepted = () => true, people = [], full = false, counts } = {}) {
  return {
    status: 200,
    data: {
      verdicts: scans.map((scan) => ({
        scan_id: scan.scan_id,
        accepted: accepted(scan),
        code: accepted(scan) ? "checked_in" : "revoked",
        message: accepted(scan) ? "Đã điểm danh" : "Vé này đã bị thu hồi",
        entry_id: Number(scan.payload.split(".")[1]),
        name: "",
        time: scan.scanned_at,
      })),
      counts: counts || { on_roster: 2, checked_in: scans.length },
      roster: { cursor: "2026-12-05T01:00:05Z", full: full, people: people },
    },
  };
}

function phone({ post, people = [MANH, ANH] } = {}) {
  const storage = new MemoryStorage();
  const keys = phoneKeys(7);
  const roster = new RosterCache(storage, keys.roster);
  roster.replace(structuredClone(people), "2026-12-05T00:00:00Z");
  const heard = { answers: [], synced: [], refused: [] };
  const sync = new PhoneSync({
    storage: storage,
    keys: keys,
    post: post || (async (body) => answer(body.scans)),
    roster: roster,
    answered: (scan, verdict) => heard.answers.push([scan.scan_id, verdict.code]),
    synced: (data) => heard.synced.push(data),
    refused: (status) => heard.refused.push(status),
  });
  return { storage, keys, roster, sync, heard };
}

describe("the phone's verdict, before the server's", () => {
  test("someone on the roster not yet in is checked in", () => {
    assert.deepEqual(localVerdict(scanOf(MANH), MANH, undefined), {
      accepted: true,
      code: CHECKED_IN_HERE,
    });
  });

  test("someone already in, by the roster or a queued scan, is refused with the time", () => {
    const arrived = { ...MANH, checked_in_at: "2026-12-05T00:50:00Z" };
    assert.equal(localVerdict(scanOf(arrived), arrived).code, ALREADY_HERE);
    const held = scanOf(MANH, { at: "2026-12-05T00:55:00Z" });
    const verdict = localVerdict(scanOf(MANH), MANH, held);
    assert.deepEqual(verdict, { accepted: false, code: ALREADY_HERE, time: "2026-12-05T00:55:00Z" });
  });

  test("a ticket not on the roster, or taken off it, is refused", () => {
    assert.equal(localVerdict({ ...scanOf(MANH), known: false }, undefined).code, UNKNOWN_HERE);
    assert.equal(localVerdict(scanOf(MANH), { ...MANH, removed: true }).code, UNKNOWN_HERE);
  });

  test("outside the check-in window everyone is refused, as the server would", () => {
    assert.deepEqual(localVerdict(scanOf(MANH), MANH, undefined, "not_open_yet"), {
      accepted: false,
      code: "not_open_yet_offline",
    });
    assert.equal(localVerdict(scanOf(MANH), MANH, undefined, "ended").code, "ended_offline");
    assert.equal(localVerdict(scanOf(MANH), MANH, undefined, "open").code, CHECKED_IN_HERE);
  });

  test("without a roster or hashing the phone cannot tell, and says it waits", () => {
    const verdict = localVerdict({ ...scanOf(MANH), checkable: false, known: false }, undefined);
    assert.deepEqual(verdict, { accepted: null, code: UNCHECKED });
  });

  test("the server overturns it only when it accepts what the phone refused, or the reverse", () => {
    assert.equal(overturns({ accepted: true }, { accepted: false }), true);
    assert.equal(overturns({ accepted: false }, { accepted: true }), true);
    assert.equal(overturns({ accepted: false }, { accepted: false }), false);
    assert.equal(overturns({ accepted: null }, { accepted: false }), false);
  });
});

describe("when a batch goes", () => {
  const base = { waiting: 0, oldestAt: null, lastSync: 0, lastFailure: null, busy: false };

  test("scans waiting go once the oldest has waited a few seconds", () => {
    assert.equal(syncDue({ ...base, waiting: 1, oldestAt: 1000, now: 1000 + BUSY_MS - 1 }), false);
    assert.equal(syncDue({ ...base, waiting: 1, oldestAt: 1000, now: 1000 + BUSY_MS }), true);
  });

  test("a full batch goes at once", () => {
    assert.equal(syncDue({ ...base, waiting: BATCH_SIZE, oldestAt: 1000, now: 1000 }), true);
  });

  test("with nothing waiting the phone asks only now and then", () => {
    assert.equal(syncDue({ ...base, now: IDLE_MS - 1 }), false);
    assert.equal(syncDue({ ...base, now: IDLE_MS }), true);
    assert.equal(syncDue({ ...base, lastSync: null, now: 5 }), true);
  });

  test("never while one is on its way, nor just after one failed", () => {
    assert.equal(syncDue({ ...base, busy: true, waiting: BATCH_SIZE, now: 1 }), false);
    const failed = { ...base, waiting: BATCH_SIZE, oldestAt: 0, lastFailure: 1000 };
    assert.equal(syncDue({ ...failed, now: 1000 + RETRY_MS - 1 }), false);
    assert.equal(syncDue({ ...failed, now: 1000 + RETRY_MS }), true);
  });

  test("the body carries each scan's id and time, the phone's clock and the cursor", () => {
    const body = syncBody([scanOf(MANH)], "2026-12-05T00:00:00Z", new Date("2026-12-05T01:00:09Z"));
    assert.deepEqual(body, {
      sent_at: "2026-12-05T01:00:09.000Z",
      roster_since: "2026-12-05T00:00:00Z",
      scans: [
        {
          scan_id: "s-1",
          scanned_at: "2026-12-05T01:00:00Z",
          payload: "DCT.1",
          entry_id: null,
          action: "check_in",
        },
      ],
      changes: [],
    });
  });
});

describe("a sync", () => {
  test("sends at most a batch, keeps the rest, and a reload finds them", async () => {
    const sent = [];
    const { sync, storage, keys, roster } = phone({
      post: async (body) => {
        sent.push(body.scans.length);
        return answer(body.scans);
      },
    });
    for (let n = 0; n < BATCH_SIZE + 3; n++) {
      sync.add({ ...scanOf(MANH, { id: "s" + n }), entry_key: null }, { accepted: null });
    }
    assert.equal(await sync.sync(), true);
    assert.deepEqual(sent, [BATCH_SIZE]);
    assert.equal(sync.waiting, 3);
    const again = new PhoneSync({ storage, keys, roster, post: null, answered() {}, synced() {}, refused() {} });
    assert.equal(again.waiting, 3);
  });

  test("a check-in queued counts at once and refuses the same ticket again", () => {
    const { sync, roster } = phone();
    const first = scanOf(MANH);
    sync.add(first, localVerdict(first, roster.person(1)));
    assert.deepEqual(sync.heldCounts, { checkedIn: 1, onRoster: 0 });
    const second = scanOf(MANH, { id: "again" });
    assert.equal(localVerdict(second, roster.person(1), sync.heldCheckIn(1)).code, ALREADY_HERE);
  });

  test("answers each scan, and a ticket the server refused no longer counts as in", async () => {
    const { sync, roster, heard } = phone({
      post: async (body) => answer(body.scans, { accepted: (scan) => scan.payload !== "DCT.2" }),
    });
    for (const person of [MANH, ANH]) {
      const scan = scanOf(person);
      sync.add(scan, localVerdict(scan, roster.person(person.id)));
    }
    await sync.sync();
    assert.deepEqual(heard.answers, [
      ["s-1", "checked_in"],
      ["s-2", "revoked"],
    ]);
    assert.equal(roster.person(1).checked_in_at, "2026-12-05T01:00:00Z");
    assert.equal(roster.person(2).checked_in_at, null);
    assert.equal(sync.waiting, 0);
    assert.equal(heard.synced[0].counts.checked_in, 2);
  });

  test("folds in the roster's changes: a new digest, someone added, someone taken off", async () => {
    const changes = [
      { ...ANH, digest: "cc" },
      { id: 3, digest: "dd", name: "Lê Văn Anh", agency: "UBND", checked_in_at: null },
      { ...MANH, removed: true },
    ];
    const { sync, roster, storage, keys } = phone({
      post: async (body) => answer(body.scans, { people: changes }),
    });
    await sync.sync();
    assert.deepEqual(roster.people.map((person) => [person.id, person.digest]), [
      [2, "cc"],
      [3, "dd"],
    ]);
    assert.equal((await roster.recognise("anything")).person, null);
    assert.equal(new PhoneSync({ storage, keys, roster }).cursor, "2026-12-05T01:00:05Z");
  });

  test("the whole roster replaces the copy", () => {
    assert.deepEqual(
      mergedPeople([MANH], { full: true, people: [ANH, { ...MANH, removed: true }] }),
      [ANH]
    );
  });

  test("with no network or a server error keeps every scan and waits before trying again", async () => {
    let status = 0;
    const { sync } = phone({ post: async () => ({ status: status, data: null }) });
    sync.add(scanOf(MANH), { accepted: true });
    assert.equal(await sync.sync(() => 5000), false);
    assert.equal(sync.waiting, 1);
    assert.equal(sync.due(5000 + RETRY_MS - 1), false);
    status = 500;
    assert.equal(await sync.sync(), false);
    assert.equal(sync.waiting, 1);
  });

  test("a revoked phone hears it and keeps its scans", async () => {
    const { sync, heard } = phone({ post: async () => ({ status: 401, data: { detail: "no" } }) });
    sync.add(scanOf(MANH), { accepted: true });
    await sync.sync();
    assert.deepEqual(heard.refused, [401]);
    assert.equal(sync.waiting, 1);
  });

  test("one sync at a time", async () => {
    let release;
    const { sync } = phone({
      post: (body) =>
        new Promise((resolve) => {
          release = () => resolve(answer(body.scans));
        }),
    });
    const first = sync.sync();
    assert.equal(await sync.sync(), false);
    release();
    assert.equal(await first, true);
  });
});

describe("walk-ins and undos made on the phone", () => {
  const t = {
    fullNameMissing: "Nhập họ tên.",
    agencyMissing: "Ghi cơ quan.",
    contactMissing: "Cho số điện thoại hoặc e-mail.",
  };

  test("a walk-in needs a name and a phone or an e-mail before it is queued", () => {
    const none = walkInChange({ full_name: "  ", phone: "" });
    assert.deepEqual(walkInProblems(none.person, t), {
      full_name: "Nhập họ tên.",
      agency: "Ghi cơ quan.",
      phone: "Cho số điện thoại hoặc e-mail.",
    });
    const fine = walkInChange({
      full_name: " Hoàng Văn Khách ",
      agency: "UBND xã",
      email: "khach@example.vn",
    });
    assert.deepEqual(walkInProblems(fine.person, t), {});
    assert.equal(fine.name, "Hoàng Văn Khách");
  });

  test("a batch ends with the first change, so the server applies it in its place", () => {
    const scans = [scanOf(MANH, { id: "a" }), scanOf(ANH, { id: "b" })];
    const undo = undoChange({ entry_id: 1, name: MANH.name }, "Quét nhầm", { id: "u" });
    const queue = [scans[0], undo, scans[1]];
    assert.deepEqual(batchOf(queue).map((item) => item.scan_id), ["a", "u"]);
    const body = syncBody(batchOf(queue), null, new Date("2026-12-05T01:00:00Z"));
    assert.deepEqual(body.scans.map((scan) => scan.scan_id), ["a"]);
    assert.deepEqual(body.changes, [
      { change_id: "u", made_at: undo.scanned_at, kind: "undo", entry_id: 1, reason: "Quét nhầm" },
    ]);
  });

  test("an undo frees the person for a new check-in and the counts follow", () => {
    const { sync, roster } = phone();
    const first = scanOf(MANH);
    sync.add(first, localVerdict(first, roster.person(1)));
    sync.add(undoChange({ entry_id: 1, name: MANH.name }, "Quét nhầm"), { accepted: true });
    assert.equal(sync.heldCheckIn(1), undefined);
    assert.equal(roster.person(1).checked_in_at, null);
    assert.equal(localVerdict(scanOf(MANH, { id: "x" }), roster.person(1)).code, CHECKED_IN_HERE);
    sync.add(walkInChange({ full_name: "Khách", phone: "0912345678" }), { accepted: true });
    assert.deepEqual(sync.heldCounts, { checkedIn: 1, onRoster: 1 });
  });

  test("the server's answer to a change reaches the page like a scan's", async () => {
    const { sync, heard } = phone({
      post: async (body) => ({
        status: 200,
        data: {
          ...answer(body.scans).data,
          changes: body.changes.map((change) => ({
            change_id: change.change_id,
            accepted: false,
            code: "not_checked_in",
            message: "Người này chưa điểm danh.",
          })),
        },
      }),
    });
    sync.add(undoChange({ entry_id: 2, name: ANH.name }, "Nhầm", { id: "u" }), { accepted: true });
    await sync.sync();
    assert.deepEqual(heard.answers, [["u", "not_checked_in"]]);
    assert.equal(sync.waiting, 0);
  });
});

describe("the pace the server gives", () => {
  const base = { waiting: 1, oldestAt: 0, lastSync: 0, lastFailure: null, busy: false };

  test("decides when waiting scans go, and is kept for the next page load", async () => {
    const { sync, storage, keys, roster } = phone({
      post: async (body) => ({
        status: 200,
        data: { ...answer(body.scans).data, next_sync_seconds: 34 },
      }),
    });
    await sync.sync(() => 0);
    assert.equal(sync.paceMs, 34000);
    assert.equal(syncDue({ ...base, now: 33999, paceMs: sync.paceMs }), false);
    assert.equal(syncDue({ ...base, now: 34000, paceMs: sync.paceMs }), true);
    assert.equal(new PhoneSync({ storage, keys, roster }).paceMs, 34000);
  });

  test("with nothing waiting, the phone asks at the slower of the idle time and the pace", () => {
    const idle = { ...base, waiting: 0 };
    assert.equal(syncDue({ ...idle, now: IDLE_MS, paceMs: 5000 }), true);
    assert.equal(syncDue({ ...idle, now: IDLE_MS, paceMs: 2 * IDLE_MS }), false);
  });
});
