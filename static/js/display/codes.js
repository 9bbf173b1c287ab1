// The point's screen holds its self check-in codes ahead: the server signs this step's code
// and the next ones' for a few minutes, each accepted only from its own step, and the screen
// shows them in turn by its clock, set by the server's. It asks again when few are left, so
// 3,356 screens ask every few minutes instead of every step. The check-in window's texts come
// with the codes, and the screen switches between them by the same clock.

// A code goes up this long after its step begins: a screen clock set by the server's may be
// off by a network trip, and showing the step's code before the server accepts it would
// refuse whoever scans it. The code before stays valid through the whole next step.
export const SWITCH_LATE_MS = 1000;
// Ask for more codes when they cover less than this (plus a share of LOW_SPREAD_MS drawn
// once per screen, so that screens started together do not ask together ever after).
export const LOW_MS = 120000;
export const LOW_SPREAD_MS = 60000;
// After a failed request, the next one waits this long.
export const RETRY_MS = 10000;

export const NOT_OPEN_YET = "not_open_yet";
export const OPEN = "open";
export const ENDED = "ended";

// How far the server's clock is ahead of this one, in ms, from its time in an answer asked
// for at `sentAt` and received at `receivedAt` (this clock's ms): the answer was written
// about halfway through the trip.
export function clockOffset(serverTime, sentAt, receivedAt) {
  return Date.parse(serverTime) - (sentAt + receivedAt) / 2;
}

// The display-code answer as the screen keeps it: times in ms of the server's clock.
export function fromAnswer(data, sentAt, receivedAt) {
  return {
    offset: clockOffset(data.server_time, sentAt, receivedAt),
    stepMs: data.step_seconds * 1000,
    opensAt: Date.parse(data.opens_at),
    closesAt: Date.parse(data.closes_at),
    texts: data.texts,
    codes: data.codes
      .map((code) => ({
        step: code.step,
        startsAt: Date.parse(code.starts_at),
        code: code.code,
        url: code.url,
      }))
      .sort((a, b) => a.startsAt - b.startsAt),
  };
}

// The code to show at `now` (server ms), or null when none held is valid any more. Each is
// shown from SWITCH_LATE_MS into its step to as long into the next; the first one held also
// before that (it is this step's when it came).
export function codeAt(codes, now, stepMs) {
  if (!codes.length) return null;
  let shown = codes[0];
  for (const code of codes) {
    if (code.startsAt + SWITCH_LATE_MS <= now) shown = code;
  }
  return now < shown.startsAt + stepMs + SWITCH_LATE_MS ? shown : null;
}

// What share (0 to 1) of the shown code's time on screen is left.
export function shareLeft(code, now, stepMs) {
  if (!code) return 0;
  const left = code.startsAt + stepMs + SWITCH_LATE_MS - now;
  return Math.min(1, Math.max(0, left / stepMs));
}

// How long from `now` the codes held still have one to show.
export function coveredMs(codes, now, stepMs) {
  if (!codes.length) return 0;
  return Math.max(0, codes[codes.length - 1].startsAt + stepMs + SWITCH_LATE_MS - now);
}

// Whether to ask for codes now: few left, and no request failed just before.
export function needsCodes({ codes, now, stepMs, lowMs, lastFailure }) {
  if (lastFailure !== null && now - lastFailure < RETRY_MS) return false;
  return coveredMs(codes, now, stepMs) < lowMs;
}

// Where `now` falls in the check-in window; both ends belong to it, as on the server.
export function windowState(now, opensAt, closesAt) {
  if (now < opensAt) return NOT_OPEN_YET;
  if (now > closesAt) return ENDED;
  return OPEN;
}

// The QR of `text` as rows of booleans (dark or not) with a quiet zone of `border` modules,
// made on the screen by qrcode-generator (vendor/qrcode-generator/qrcode.js, a classic script
// whose `qrcode` the page has; Node tests hand it in): the server only signs the codes.
export function qrMatrix(text, encoder = globalThis.qrcode, border = 2) {
  const code = encoder(0, "M");
  code.addData(text);
  code.make();
  const count = code.getModuleCount();
  const size = count + 2 * border;
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = [];
    for (let x = 0; x < size; x++) {
      const r = y - border;
      const c = x - border;
      row.push(r >= 0 && c >= 0 && r < count && c < count && code.isDark(r, c));
    }
    rows.push(row);
  }
  return rows;
}

// The dark modules as one SVG path, one rectangle per run of dark modules in a row.
export function qrPath(rows) {
  const parts = [];
  rows.forEach((row, y) => {
    let run = 0;
    for (let x = 0; x <= row.length; x++) {
      if (x < row.length && row[x]) {
        run++;
      } else if (run) {
        parts.push("M" + (x - run) + " " + y + "h" + run + "v1h-" + run + "z");
        run = 0;
      }
    }
  });
  return parts.join("");
}
