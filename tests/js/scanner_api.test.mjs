// The API client: what it sends, and how it takes each kind of answer to a scan.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  createApi,
  csrfFromCookie,
  scanBody,
  scanOutcome,
} from "../../static/js/scanner/api.js";

// A fetch that answers `status` with `body` (a string is sent as is: an HTML error page).
function answering(status, body) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return new Response(text, { status, headers: { "Content-Type": "application/json" } });
  };
  return { fetch, calls };
}

function stubFetch(t, fetch) {
  t.mock.method(globalThis, "fetch", fetch);
}

function client(reachable = []) {
  return createApi({ csrfToken: () => "token-1", onReachable: (value) => reachable.push(value) });
}

const decided = (code, accepted = false) => ({ accepted, code, message: "words for " + code });

describe("how an answer to a scan is taken", () => {
  test("accepted and refused answers with a code are final", () => {
    for (const status of [200, 403, 404, 409]) {
      const data = decided("any_code", status === 200);
      assert.deepEqual(scanOutcome({ status, data }), { final: true, status, data });
    }
  });

  test("too many scans from this phone: kept and sent again later", () => {
    assert.deepEqual(scanOutcome({ status: 429, data: decided("rate_limited") }), {
      retry: "rate",
    });
    assert.deepEqual(scanOutcome({ status: 429, data: null }), { retry: "rate" });
  });

  test("signed out or a stale CSRF token (no code in the answer): kept for after sign-in", () => {
    assert.deepEqual(scanOutcome({ status: 401, data: { detail: "Unauthorized" } }), {
      retry: "auth",
    });
    // Django's CSRF failure is an HTML page, so no JSON at all.
    assert.deepEqual(scanOutcome({ status: 403, data: null }), { retry: "auth" });
  });

  test("the API's general refusals carry a code but are no verdict on the scan", () => {
    const refusal = (code) => ({ code, message: "vì sao", detail: "vì sao", errors: {} });
    assert.deepEqual(scanOutcome({ status: 403, data: refusal("csrf_failed") }), {
      retry: "auth",
    });
    assert.deepEqual(scanOutcome({ status: 401, data: refusal("not_signed_in") }), {
      retry: "auth",
    });
    assert.deepEqual(scanOutcome({ status: 404, data: refusal("not_found") }), {
      retry: "server",
    });
  });

  test("a request the server cannot read is final: sending it again cannot help", () => {
    for (const status of [400, 422]) {
      const outcome = scanOutcome({ status, data: { detail: [{ msg: "bad" }] } });
      assert.equal(outcome.final, true);
      assert.equal(outcome.status, status);
      assert.deepEqual(outcome.data, { accepted: false, code: "invalid", message: "" });
    }
  });

  test("server errors, proxies' pages and odd answers are kept and tried again", () => {
    for (const [status, data] of [
      [500, null],
      [502, null],
      [503, { detail: "maintenance" }],
      [200, null], // a captive portal's page
      [200, { code: 7 }],
      [409, { message: "no code" }],
    ]) {
      assert.deepEqual(scanOutcome({ status, data }), { retry: "server" }, `${status}`);
    }
  });
});

describe("the requests", () => {
  test("a scan is posted as JSON with the CSRF token, the cookie and a deadline", async (t) => {
    const { fetch, calls } = answering(200, decided("checked_in", true));
    stubFetch(t, fetch);
    const reachable = [];
    const outcome = await client(reachable).sendScan("/api/scans", { scan_id: "s1" });
    assert.equal(outcome.final, true);
    assert.equal(outcome.data.code, "checked_in");
    const [{ url, init }] = calls;
    assert.equal(url, "/api/scans");
    assert.equal(init.method, "POST");
    assert.equal(init.credentials, "same-origin");
    assert.deepEqual(init.headers, {
      Accept: "application/json",
      "Content-Type": "application/json",
      "X-CSRFToken": "token-1",
    });
    assert.equal(init.body, '{"scan_id":"s1"}');
    assert.ok(init.signal instanceof AbortSignal);
    assert.deepEqual(reachable, [true]);
  });

  test("a read is a GET without a body or a token", async (t) => {
    const { fetch, calls } = answering(200, { people: [] });
    stubFetch(t, fetch);
    const answer = await client().request("/api/points/5/roster");
    assert.deepEqual(answer, { status: 200, data: { people: [] } });
    assert.equal(calls[0].init.method, "GET");
    assert.equal(calls[0].init.body, undefined);
    assert.deepEqual(calls[0].init.headers, { Accept: "application/json" });
  });

  test("an answer that is not JSON has no data, and the server was reached", async (t) => {
    stubFetch(t, answering(502, "<html>Bad gateway</html>").fetch);
    const reachable = [];
    const answer = await client(reachable).request("/api/sessions/1/counts");
    assert.deepEqual(answer, { status: 502, data: null });
    assert.deepEqual(reachable, [true]);
  });

  test("a scan the server errs on is kept", async (t) => {
    stubFetch(t, answering(500, "<h1>Server Error</h1>").fetch);
    assert.deepEqual(await client().sendScan("/api/scans", {}), { retry: "server" });
  });

  test("no network: the request fails, the phone hears it is offline", async (t) => {
    stubFetch(t, async () => {
      throw new TypeError("Failed to fetch");
    });
    const reachable = [];
    await assert.rejects(client(reachable).request("/api/points/5/roster"), TypeError);
    assert.deepEqual(reachable, [false]);
  });

  test("no network while sending a scan: kept, for the network", async (t) => {
    stubFetch(t, async () => {
      throw new TypeError("Failed to fetch");
    });
    assert.deepEqual(await client().sendScan("/api/scans", {}), { retry: "network" });
  });

  test("a server that does not answer in time is given up on, as if offline", async (t) => {
    stubFetch(t, (url, init) => {
      return new Promise((resolve, reject) => {
        init.signal.addEventListener("abort", () => reject(new DOMException("", "AbortError")));
      });
    });
    const reachable = [];
    const api = createApi({
      csrfToken: () => "",
      onReachable: (value) => reachable.push(value),
      timeoutMs: 20,
    });
    assert.deepEqual(await api.sendScan("/api/scans", {}), { retry: "network" });
    assert.deepEqual(reachable, [false]);
  });

  test("the deadline is cleared once answered, so it cannot abort a later read", async (t) => {
    let signal;
    stubFetch(t, async (url, init) => {
      signal = init.signal;
      return new Response("{}", { status: 200 });
    });
    const api = createApi({ csrfToken: () => "", timeoutMs: 20 });
    await api.request("/api/points/5/roster");
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(signal.aborted, false);
  });

  test("the token is read at each post, so a new sign-in's token is used", async (t) => {
    const { fetch, calls } = answering(200, decided("checked_in", true));
    stubFetch(t, fetch);
    let token = "old";
    const api = createApi({ csrfToken: () => token });
    await api.sendScan("/api/scans", {});
    token = "new";
    await api.sendScan("/api/scans", {});
    assert.deepEqual(
      calls.map((call) => call.init.headers["X-CSRFToken"]),
      ["old", "new"]
    );
  });
});

describe("what a scan sends", () => {
  test("the API's fields only, with the device and the point", () => {
    const scan = {
      scan_id: "s1",
      action: "check_out",
      payload: "DC1.42.1.tag",
      entry_id: null,
      scanned_at: "2025-03-10T00:52:00.000Z",
      queued: true,
      name: "Đỗ Thị Dung",
      agency: "UBND huyện Sông Lô",
      known: true,
      checkable: true,
      entry_key: 42,
    };
    const sending = new Date("2025-03-10T05:00:00.000Z");
    assert.deepEqual(scanBody(scan, "device-1", 5, sending), {
      scan_id: "s1",
      device_id: "device-1",
      participation_id: 5,
      payload: "DC1.42.1.tag",
      entry_id: null,
      scanned_at: "2025-03-10T00:52:00.000Z",
      queued: true,
      sent_at: "2025-03-10T05:00:00.000Z",
      action: "check_out",
    });
  });

  test("the phone's clock as it is sent, not as it was scanned", () => {
    const scan = { scan_id: "s2", scanned_at: "2025-03-10T00:52:00.000Z", queued: true };
    const before = Date.now();
    const body = scanBody(scan, "device-1", 5);
    assert.ok(Date.parse(body.sent_at) >= before);
    assert.equal(body.scanned_at, "2025-03-10T00:52:00.000Z");
  });
});

describe("the CSRF token", () => {
  test("comes from the cookie when there is one", () => {
    assert.equal(csrfFromCookie("sessionid=x; csrftoken=abc%3D; theme=dark", "page"), "abc=");
    assert.equal(csrfFromCookie("csrftoken=first", "page"), "first");
  });

  test("comes from the page otherwise", () => {
    assert.equal(csrfFromCookie("", "page"), "page");
    assert.equal(csrfFromCookie("xcsrftoken=nope", "page"), "page");
    assert.equal(csrfFromCookie(undefined, "page"), "page");
  });
});
