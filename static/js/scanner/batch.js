// A paired phone decides on its own and syncs in batches. Every scan gets its verdict at
// once from the point's roster the phone keeps (ticket digests, arrivals), is queued with its
// own id and time, and goes to the server with the others in one POST: at the pace the
// server last gave (`next_sync_seconds`: every few seconds while few phones are out, spread
// to a minute or so in a national rush) after the oldest was made, at once when
// BATCH_SIZE wait, and when the network returns. The server answers each scan with its final
// verdict (another phone may have got the person first, a ticket may have been revoked
// meanwhile), the point's counts and the roster's changes since the last sync, so the
// phone's copy never goes stale. With nothing to send, the phone asks only every IDLE_MS
// (or its pace, if longer), for those changes and counts. The coordinator never waits for
// a sync: the pace only decides how soon the server hears.
//
// No DOM here: the page (js/device/main.js) hands in storage, the request and callbacks.

import { load, save, uuid } from "./storage.js";

export const BATCH_SIZE = 50;
// Until the server says otherwise.
export const BUSY_MS = 5000;
export const IDLE_MS = 60000;
// After a failed sync (no network, server error) the next waits this long.
export const RETRY_MS = 10000;

// The phone's own codes for what it said before the server did.
export const CHECKED_IN_HERE = "checked_in_offline";
export const CHECKED_OUT_HERE = "checked_out_offline";
export const ALREADY_HERE = "already_checked_in_offline";
export const UNKNOWN_HERE = "not_on_roster_offline";
export const UNCHECKED = "pending";
// Outside the check-in window, named after the server's refusals (window.js's states).
export const NOT_OPEN_HERE = "not_open_yet_offline";
export const ENDED_HERE = "ended_offline";
const OUTSIDE = { not_open_yet: NOT_OPEN_HERE, ended: ENDED_HERE };

// Walk-ins and undos wait in the same queue as scans, each with its own id (scan_id here,
// change_id to the server) and time; a batch ends with the first of them, so the server
// applies it after the scans made before it and before those made after.
export const WALK_IN = "walk_in";
export const UNDO = "undo";

export function isChange(item) {
  return item.kind === WALK_IN || item.kind === UNDO;
}

export function walkInChange(fields, { id = uuid(), now = new Date() } = {}) {
  const person = {
    full_name: (fields.full_name || "").trim(),
    agency: (fields.agency || "").trim(),
    position: (fields.position || "").trim(),
    phone: (fields.phone || "").trim(),
    email: (fields.email || "").trim(),
  };
  return {
    kind: WALK_IN,
    scan_id: id,
    scanned_at: now.toISOString(),
    person: person,
    name: person.full_name,
    agency: person.agency,
    entry_key: null,
  };
}

// What the phone can tell is wrong with a walk-in before the server sees it, by field.
export function walkInProblems(person, t) {
  const problems = {};
  if (!person.full_name) problems.full_name = t.fullNameMissing;
  // Needed only for someone new to the directory, which the phone cannot tell offline.
  if (!person.agency) problems.agency = t.agencyMissing;
  if (!person.phone && !person.email) problems.phone = t.contactMissing;
  return problems;
}

// last: the check-in to take back ({entry_id, name, agency}).
export function undoChange(last, reason, { id = uuid(), now = new Date() } = {}) {
  return {
    kind: UNDO,
    scan_id: id,
    scanned_at: now.toISOString(),
    entry_id: last.entry_id,
    entry_key: last.entry_id,
    reason: reason.trim(),
    name: last.name,
    agency: last.agency || "",
  };
}

// The next batch: up to BATCH_SIZE from the front of the queue, ending at its first change.
export function batchOf(queue) {
  const batch = [];
  for (const item of queue.slice(0, BATCH_SIZE)) {
    batch.push(item);
    if (isChange(item)) break;
  }
  return batch;
}

// One set of keys per point the phone is paired to.
export function phoneKeys(participationId) {
  const prefix = "diemcau.phone." + participationId + ".";
  return {
    queue: prefix + "queue",
    roster: prefix + "roster",
    cursor: prefix + "cursor",
    point: prefix + "point",
    last: prefix + "last",
    pace: prefix + "pace",
  };
}

// What the phone says of a scan at once. person: the roster's entry the scan names (by its
// ticket's digest or chosen by name), held: a queued check-in of the same person.
// accepted is null when the phone cannot tell (no roster kept, or no hashing here).
// windowState: the check-in window's state now (window.js), "open" when the phone cannot tell.
export function localVerdict(scan, person, held, windowState = "open") {
  // The server refuses every scan outside the window (not_open_yet, ended), whoever it is.
  if (OUTSIDE[windowState]) return { accepted: false, code: OUTSIDE[windowState] };
  if (!scan.checkable) return { accepted: null, code: UNCHECKED };
  if (!person || person.removed) return { accepted: false, code: UNKNOWN_HERE };
  if (scan.action === "check_out") return { accepted: true, code: CHECKED_OUT_HERE };
  const arrived = person.checked_in_at || (held && held.scanned_at);
  if (arrived) return { accepted: false, code: ALREADY_HERE, time: arrived };
  return { accepted: true, code: CHECKED_IN_HERE };
}

// Whether the server's verdict overturns what the phone said: the coordinator must hear of
// it (a person let in must be called back, or one turned away was in fact welcome).
export function overturns(local, verdict) {
  return Boolean(local) && local.accepted !== null && local.accepted !== verdict.accepted;
}

function changeBody(item) {
  const body = { change_id: item.scan_id, made_at: item.scanned_at, kind: item.kind };
  if (item.kind === WALK_IN) body.person = item.person;
  else Object.assign(body, { entry_id: item.entry_id, reason: item.reason });
  return body;
}

export function syncBody(items, cursor, now = new Date()) {
  return {
    sent_at: now.toISOString(),
    roster_since: cursor,
    scans: items
      .filter((item) => !isChange(item))
      .map((scan) => ({
        scan_id: scan.scan_id,
        scanned_at: scan.scanned_at,
        payload: scan.payload,
        entry_id: scan.entry_id,
        action: scan.action,
      })),
    changes: items.filter(isChange).map(changeBody),
  };
}

// Whether to sync at `now` (ms): scans wait and the oldest has waited the pace, or a batch
// is full, or nothing was asked for IDLE_MS (or the pace, if longer); never while one is on
// its way or just after one failed.
export function syncDue({ waiting, oldestAt, lastSync, lastFailure, busy, now, paceMs = BUSY_MS }) {
  if (busy) return false;
  if (lastFailure !== null && now - lastFailure < RETRY_MS) return false;
  if (waiting >= BATCH_SIZE) return true;
  if (waiting > 0 && now - oldestAt >= paceMs) return true;
  return lastSync === null || now - lastSync >= Math.max(IDLE_MS, paceMs);
}

// The roster's changes folded into the copy: the whole roster replaces it; otherwise a
// changed person replaces their old self (a revoked ticket has a new digest) and one taken
// off the roster leaves it.
export function mergedPeople(people, changes) {
  if (changes.full) return changes.people.filter((person) => !person.removed);
  const byId = new Map(people.map((person) => [person.id, person]));
  for (const person of changes.people) {
    if (person.removed) byId.delete(person.id);
    else byId.set(person.id, person);
  }
  return Array.from(byId.values());
}

export class PhoneSync {
  // post(body) resolves to {status, data} (status 0: no network). roster: a RosterCache.
  // answered(scan, verdict): each scan's final verdict. synced(data): after each answer.
  // refused(status): the server will not take this phone's syncs (401: revoked).
  constructor({ storage, keys, post, roster, answered, synced, refused, changed = () => {} }) {
    this.storage = storage;
    this.keys = keys;
    this.post = post;
    this.roster = roster;
    this.answered = answered;
    this.synced = synced;
    this.refused = refused;
    this.changed = changed;
    this.queue = load(storage, keys.queue, []);
    this.cursor = load(storage, keys.cursor, null);
    this.paceMs = load(storage, keys.pace, BUSY_MS);
    this.busy = false;
    this.lastSync = null;
    this.lastFailure = null;
  }

  get waiting() {
    return this.queue.length;
  }

  get oldestAt() {
    return this.queue.length ? this.queue[0].queued_at : null;
  }

  // A check-in of this person waiting here and not taken back by an undo waiting after it.
  heldCheckIn(entryId) {
    let held;
    for (const item of this.queue) {
      if (item.entry_key !== entryId) continue;
      if (item.kind === UNDO) held = undefined;
      else if (item.action === "check_in" && item.local && item.local.accepted) held = item;
    }
    return held;
  }

  // What the waiting items add to the server's last counts: the screen shows them at once.
  get heldCounts() {
    let checkedIn = 0;
    let onRoster = 0;
    for (const item of this.queue) {
      if (item.kind === WALK_IN) {
        checkedIn++;
        onRoster++;
      } else if (item.kind === UNDO) {
        checkedIn--;
      } else if (item.action === "check_in" && item.local && item.local.accepted) {
        checkedIn++;
      }
    }
    return { checkedIn, onRoster };
  }

  add(scan, local, now = Date.now()) {
    scan.local = local;
    scan.queued_at = now;
    this.queue.push(scan);
    save(this.storage, this.keys.queue, this.queue);
    if (scan.kind === UNDO) this.roster.markArrival(scan.entry_key, null);
    else if (local.accepted && scan.action === "check_in" && scan.entry_key !== null) {
      // A second scan of the same ticket is refused here until the server speaks.
      this.roster.markArrival(scan.entry_key, scan.scanned_at);
    }
    this.changed();
  }

  due(now = Date.now()) {
    return syncDue({
      waiting: this.waiting,
      oldestAt: this.oldestAt,
      lastSync: this.lastSync,
      lastFailure: this.lastFailure,
      busy: this.busy,
      now: now,
      paceMs: this.paceMs,
    });
  }

  // One POST with up to BATCH_SIZE scans; returns whether it was answered.
  async sync(now = Date.now) {
    if (this.busy) return false;
    this.busy = true;
    const batch = batchOf(this.queue);
    try {
      const outcome = await this.post(syncBody(batch, this.cursor, new Date(now())));
      if (outcome.status !== 200) {
        this.lastFailure = now();
        if (outcome.status === 401 || outcome.status === 403) this.refused(outcome.status);
        return false;
      }
      this.settle(batch, outcome.data);
      this.lastSync = now();
      this.lastFailure = null;
      return true;
    } finally {
      this.busy = false;
      this.changed();
    }
  }

  // The server's pace for this phone, from a sync's or the roster's answer.
  setPace(seconds) {
    if (!(seconds > 0)) return;
    this.paceMs = seconds * 1000;
    save(this.storage, this.keys.pace, this.paceMs);
  }

  settle(batch, data) {
    this.setPace(data.next_sync_seconds);
    const sent = new Set(batch.map((scan) => scan.scan_id));
    this.queue = this.queue.filter((scan) => !sent.has(scan.scan_id));
    save(this.storage, this.keys.queue, this.queue);
    this.roster.replace(mergedPeople(this.roster.people, data.roster), data.roster.cursor);
    this.cursor = data.roster.cursor;
    save(this.storage, this.keys.cursor, this.cursor);
    const verdicts = new Map(data.verdicts.map((verdict) => [verdict.scan_id, verdict]));
    for (const answer of data.changes || []) verdicts.set(answer.change_id, answer);
    for (const scan of batch) {
      const verdict = verdicts.get(scan.scan_id);
      if (verdict) this.learn(scan, verdict);
    }
    for (const scan of batch) {
      const verdict = verdicts.get(scan.scan_id);
      if (verdict) this.answered(scan, verdict);
    }
    this.synced(data);
  }

  // The roster copy follows the server's verdicts: an arrival it confirms (with its time),
  // or one the phone assumed and the server refused. Later held check-ins still count.
  learn(scan, verdict) {
    if (isChange(scan) || scan.action !== "check_in" || !verdict.entry_id) return;
    if (verdict.accepted || verdict.code === "already_checked_in") {
      this.roster.markArrival(verdict.entry_id, verdict.time);
    } else if (scan.local && scan.local.accepted) {
      this.roster.markArrival(verdict.entry_id, null);
    }
  }
}
