// The scanner's client for the check-in API, and how each answer to a scan is taken: final
// (the server decided; never resend) or retry (keep the scan and send it again later).

export const FETCH_TIMEOUT_MS = 10000;

// Statuses whose body, when it carries a code, is the server's decision about this scan
// (see attendance/api: 409 refused for good, 403 not your point, 404 no such point).
const DECIDED = [200, 403, 404, 409];

// Django rotates the token at sign-in, so the cookie, when readable, beats the page's copy.
export function csrfFromCookie(cookie, fallback) {
  const match = (cookie || "").match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : fallback;
}

// What the API is sent for a scan; the rest of the held object is for this page. sent_at is
// the phone's clock as it sends (each time it sends): against the server's, it tells how far
// off that clock is, and so how far a held scan's scanned_at may be trusted.
export function scanBody(scan, deviceId, participationId, now = new Date()) {
  return {
    scan_id: scan.scan_id,
    device_id: deviceId,
    participation_id: participationId,
    payload: scan.payload,
    entry_id: scan.entry_id,
    scanned_at: scan.scanned_at,
    queued: scan.queued,
    sent_at: now.toISOString(),
    action: scan.action,
  };
}

export function scanOutcome(answer) {
  const data = answer.data;
  // A verdict says whether it was accepted; the API's general refusals (a stale CSRF token,
  // a lapsed session) carry a code too, but are no verdict on the scan.
  const verdict = data && typeof data.code === "string" && typeof data.accepted === "boolean";
  if (verdict && DECIDED.includes(answer.status)) {
    return { final: true, status: answer.status, data: data };
  }
  if (answer.status === 429) return { retry: "rate" };
  // A 403 without a code is Django's CSRF page or a lapsed session, not a decision.
  if (answer.status === 401 || answer.status === 403) return { retry: "auth" };
  if (answer.status === 400 || answer.status === 422) {
    // The request itself is wrong: sending it again cannot help. The page words "invalid".
    const invalid = { accepted: false, code: "invalid", message: "" };
    return { final: true, status: answer.status, data: invalid };
  }
  return { retry: "server" };
}

// onReachable(bool) hears whether the server answered at all, whatever it answered.
export function createApi({ csrfToken, onReachable = () => {}, timeoutMs = FETCH_TIMEOUT_MS }) {
  async function request(url, options) {
    const posting = Boolean(options) && options.body !== undefined;
    // A phone on a weak signal can hang for minutes; a scan waiting that long is better held.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const headers = { Accept: "application/json" };
    if (posting) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrfToken();
    }
    try {
      const response = await globalThis.fetch(url, {
        credentials: "same-origin",
        signal: controller.signal,
        method: posting ? "POST" : "GET",
        headers: headers,
        body: posting ? JSON.stringify(options.body) : undefined,
      });
      onReachable(true);
      let data = null;
      try {
        data = await response.json();
      } catch (error) {
        /* not JSON: an error page */
      }
      return { status: response.status, data: data };
    } catch (error) {
      onReachable(false);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async function sendScan(url, body) {
    let answer;
    try {
      answer = await request(url, { body: body });
    } catch (error) {
      return { retry: "network" };
    }
    return scanOutcome(answer);
  }

  return { request: request, sendScan: sendScan };
}
