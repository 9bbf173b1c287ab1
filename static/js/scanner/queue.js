// Scans held on the phone while the server cannot take them, kept in localStorage so a
// reload, a crash or a flat battery loses none. Each keeps its own scan id and time, so the
// server counts a resent scan once and dates it when it was made, not when it arrived.

import { load, save } from "./storage.js";

export class ScanQueue {
  constructor(storage, key, onChange = () => {}) {
    this.storage = storage;
    this.key = key;
    this.onChange = onChange;
    this.items = load(storage, key, []);
  }

  get length() {
    return this.items.length;
  }

  save() {
    save(this.storage, this.key, this.items);
    this.onChange();
  }

  // Another tab of this page may have sent or held scans meanwhile.
  reload() {
    this.items = load(this.storage, this.key, []);
    this.onChange();
  }

  hold(scan) {
    scan.queued = true;
    if (!this.items.some((held) => held.scan_id === scan.scan_id)) this.items.push(scan);
    this.save();
  }

  remove(scanId) {
    this.items = this.items.filter((held) => held.scan_id !== scanId);
    this.save();
  }

  pendingCheckIn(entryId) {
    return this.items.find((scan) => scan.action === "check_in" && scan.entry_key === entryId);
  }

  next(tried) {
    return this.items.find((held) => !tried.has(held.scan_id));
  }
}

// Sends the held scans oldest first, each at most once per round. A scan the server choked
// on is passed over so the ones behind it still go; anything that would fail for every scan
// (no network, signed out, rate-limited) ends the round. Returns what ended it, or null.
export async function drain(queue, send, settled) {
  const tried = new Set();
  for (;;) {
    const scan = queue.next(tried);
    if (!scan) return null;
    tried.add(scan.scan_id);
    const outcome = await send(scan);
    if (outcome.retry) {
      if (outcome.retry === "server") continue;
      return { scan: scan, retry: outcome.retry };
    }
    queue.remove(scan.scan_id);
    settled(scan, outcome);
  }
}
