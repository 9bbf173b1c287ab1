// What the phone keeps between page loads, and the ids it makes for itself. The storage is
// looked up when used, never at import, so Node can hand in a stand-in for localStorage.

export const DEVICE_KEY = "diemcau.device";

// One set of keys per point: a coordinator who keeps two points keeps two queues.
export function keysFor(participationId) {
  const prefix = "diemcau.scanner." + participationId + ".";
  return { queue: prefix + "queue", roster: prefix + "roster", last: prefix + "last" };
}

export function load(storage, key, fallback) {
  try {
    const value = storage.getItem(key);
    return value === null ? fallback : JSON.parse(value);
  } catch (error) {
    return fallback;
  }
}

export function save(storage, key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch (error) {
    /* private mode or full: the queue still lives in memory while the page is open */
  }
}

export function uuid() {
  const crypto = globalThis.crypto;
  // randomUUID exists only in secure contexts; a phone on a plain-HTTP intranet lacks it.
  if (crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
}

// The server rate-limits per device, so the id must outlive the page and be shared by points.
export function deviceId(storage) {
  let id = load(storage, DEVICE_KEY, "");
  if (!id) {
    id = uuid();
    save(storage, DEVICE_KEY, id);
  }
  return id;
}
