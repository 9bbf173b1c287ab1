// The session's check-in window as the scanner shows it: before it opens, when it opens;
// while open, until when; after it closed, that it has. The server refuses scans outside
// it (not_open_yet, ended) whatever the page says; the page only says it first.
//
// The phone's clock may be off, so the moments are judged by the server's: its time when
// it made the page, plus the time since on the phone's steady clock (performance.now). The
// difference between the two clocks at that moment is how far off the phone's clock is,
// and past the server's limit the page says so: offline scans carry the phone's time.

export const NOT_OPEN_YET = "not_open_yet";
export const OPEN = "open";
export const ENDED = "ended";

// Both ends belong to the window, as on the server.
export function windowState(nowMs, opensMs, closesMs) {
  if (nowMs < opensMs) return NOT_OPEN_YET;
  if (nowMs > closesMs) return ENDED;
  return OPEN;
}

// How far the phone's clock is ahead of the server's (behind when negative), in seconds.
export function clockOffsetSeconds(serverNowMs, phoneNowMs) {
  return Math.round((phoneNowMs - serverNowMs) / 1000);
}

// The words for a clock `offset` seconds off, or "" within `limit` seconds.
// t: clockOffMinutes and clockOffHours, with {minutes} and {hours}.
export function clockWarning(offset, limit, t) {
  const off = Math.abs(offset);
  if (off <= limit) return "";
  const minutes = Math.round(off / 60);
  if (minutes < 120) return t.clockOffMinutes.replace("{minutes}", String(minutes));
  return t.clockOffHours.replace("{hours}", String(Math.round(minutes / 60)));
}

// notice: the element that says it, with data-opens-at, data-closes-at and data-server-now
// (seconds since the epoch) and data-text-* (the three sentences, worded by the server).
// warning: the element for a clock far off, with data-limit (seconds).
export function createWindowNotice(notice, warning, t, clocks = {}) {
  const phoneNow = clocks.phoneNow || (() => Date.now());
  const steady = clocks.steady || (() => performance.now());
  const serverAtLoad = Number(notice.dataset.serverNow) * 1000;
  const steadyAtLoad = steady();
  const opens = Number(notice.dataset.opensAt) * 1000;
  const closes = Number(notice.dataset.closesAt) * 1000;
  const texts = {
    [NOT_OPEN_YET]: notice.dataset.textNotOpenYet,
    [OPEN]: notice.dataset.textOpen,
    [ENDED]: notice.dataset.textEnded,
  };

  function serverNow() {
    return serverAtLoad + (steady() - steadyAtLoad);
  }

  function update() {
    const state = windowState(serverNow(), opens, closes);
    if (notice.dataset.state === state && notice.textContent) return state;
    notice.dataset.state = state;
    notice.textContent = texts[state];
    notice.classList.toggle("alert-warning", state !== OPEN);
    notice.classList.toggle("alert-light", state === OPEN);
    return state;
  }

  const offset = clockOffsetSeconds(serverAtLoad, phoneNow() - (steady() - steadyAtLoad));
  const words = warning ? clockWarning(offset, Number(warning.dataset.limit), t) : "";
  if (warning) {
    warning.textContent = words;
    warning.hidden = !words;
    warning.dataset.offset = String(offset);
  }
  return { update: update, offset: offset };
}
