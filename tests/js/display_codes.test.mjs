// The point's screen holds its codes ahead (static/js/display/codes.js): which one it shows
// when, by the server's clock, and when it asks for more.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import {
  clockOffset,
  codeAt,
  coveredMs,
  ENDED,
  fromAnswer,
  LOW_MS,
  needsCodes,
  NOT_OPEN_YET,
  OPEN,
  qrMatrix,
  qrPath,
  RETRY_MS,
  shareLeft,
  SWITCH_LATE_MS,
  windowState,
} from "../../static/js/display/codes.js";
import qrcode from "qrcode-generator";

const STEP_MS = 30000;
const FIRST_STEP = 59000000;
const at = (step) => step * STEP_MS;

// An answer of /api/attendance/points/{id}/display-code with the current step and ten ahead.
function answer({ serverTime = at(FIRST_STEP) + 12000, steps = 11 } = {}) {
  return {
    server_time: new Date(serverTime).toISOString(),
    step_seconds: STEP_MS / 1000,
    opens_at: "2026-12-05T01:00:00Z",
    closes_at: "2026-12-05T05:00:00Z",
    texts: { not_open_yet: "opens", open: "open", ended: "ended" },
    codes: Array.from({ length: steps }, (_, n) => ({
      step: FIRST_STEP + n,
      starts_at: new Date(at(FIRST_STEP + n)).toISOString(),
      code: "DCP.5." + (FIRST_STEP + n) + ".tag",
      url: "https://example.test/here/" + (FIRST_STEP + n) + "/",
    })),
  };
}

describe("the screen's clock", () => {
  test("is set by the server's, taken halfway through the request", () => {
    const server = Date.parse("2026-12-05T02:00:10Z");
    const sentAt = Date.parse("2026-12-05T02:00:00Z");
    assert.equal(clockOffset(new Date(server).toISOString(), sentAt, sentAt + 2000), 9000);
  });

  test("keeps the codes by their start on the server's clock, in order", () => {
    const data = answer();
    data.codes.reverse();
    const held = fromAnswer(data, 0, 0);
    assert.equal(held.stepMs, STEP_MS);
    assert.deepEqual(
      held.codes.map((c) => c.startsAt),
      Array.from({ length: 11 }, (_, n) => at(FIRST_STEP + n))
    );
    assert.equal(held.opensAt, Date.parse("2026-12-05T01:00:00Z"));
  });
});

describe("the code shown", () => {
  const { codes } = fromAnswer(answer(), 0, 0);

  test("is the step's own from just after the step begins", () => {
    assert.equal(codeAt(codes, at(FIRST_STEP) + 12000, STEP_MS).step, FIRST_STEP);
    assert.equal(codeAt(codes, at(FIRST_STEP + 1) + SWITCH_LATE_MS, STEP_MS).step, FIRST_STEP + 1);
    assert.equal(codeAt(codes, at(FIRST_STEP + 7) + 20000, STEP_MS).step, FIRST_STEP + 7);
  });

  test("changes a moment late, while the code before is still accepted", () => {
    const justAfter = at(FIRST_STEP + 3) + SWITCH_LATE_MS - 1;
    assert.equal(codeAt(codes, justAfter, STEP_MS).step, FIRST_STEP + 2);
  });

  test("is never one issued ahead before its step, nor one the server no longer takes", () => {
    // The server takes a code in its own step and the one after (attendance.tickets).
    for (let now = at(FIRST_STEP); now < at(FIRST_STEP + 11); now += 250) {
      const shown = codeAt(codes, now, STEP_MS);
      const step = Math.floor(now / STEP_MS);
      assert.ok(shown.step <= step && step - shown.step <= 1, `at ${now}: ${shown.step}`);
    }
  });

  test("is none once every code held has run out", () => {
    const last = at(FIRST_STEP + 10);
    assert.equal(codeAt(codes, last + STEP_MS + SWITCH_LATE_MS - 1, STEP_MS).step, FIRST_STEP + 10);
    assert.equal(codeAt(codes, last + STEP_MS + SWITCH_LATE_MS, STEP_MS), null);
    assert.equal(codeAt([], at(FIRST_STEP), STEP_MS), null);
  });

  test("runs its bar down over its time on the screen", () => {
    const code = codeAt(codes, at(FIRST_STEP + 4) + SWITCH_LATE_MS, STEP_MS);
    assert.equal(shareLeft(code, at(FIRST_STEP + 4) + SWITCH_LATE_MS, STEP_MS), 1);
    assert.equal(shareLeft(code, at(FIRST_STEP + 4) + SWITCH_LATE_MS + 15000, STEP_MS), 0.5);
    assert.equal(shareLeft(null, 0, STEP_MS), 0);
  });
});

describe("asking for more codes", () => {
  const { codes } = fromAnswer(answer(), 0, 0);
  const ask = (now, lastFailure = null) =>
    needsCodes({ codes, now, stepMs: STEP_MS, lowMs: LOW_MS, lastFailure });

  test("waits while the codes held cover more than a couple of minutes", () => {
    const now = at(FIRST_STEP) + 12000;
    assert.equal(coveredMs(codes, now, STEP_MS), 11 * STEP_MS + SWITCH_LATE_MS - 12000);
    assert.equal(ask(now), false);
    assert.equal(ask(at(FIRST_STEP + 6)), false);
  });

  test("asks when they run low, or when there are none", () => {
    assert.equal(ask(at(FIRST_STEP + 7) + 5000), true);
    assert.equal(needsCodes({ codes: [], now: 0, stepMs: 0, lowMs: LOW_MS, lastFailure: null }), true);
  });

  test("after a failed request waits before the next", () => {
    const now = at(FIRST_STEP + 9);
    assert.equal(ask(now, now - RETRY_MS + 1), false);
    assert.equal(ask(now, now - RETRY_MS), true);
  });
});

describe("the check-in window", () => {
  test("is open from its opening to its closing, both included", () => {
    assert.equal(windowState(9, 10, 20), NOT_OPEN_YET);
    assert.equal(windowState(10, 10, 20), OPEN);
    assert.equal(windowState(20, 10, 20), OPEN);
    assert.equal(windowState(21, 10, 20), ENDED);
  });
});

describe("the QR the screen draws", () => {
  test("has one rectangle per run of dark modules", () => {
    const rows = [
      [true, true, true],
      [true, false, true],
      [false, false, false],
    ];
    assert.equal(qrPath(rows), "M0 0h3v1h-3zM0 1h1v1h-1zM2 1h1v1h-1z");
  });

  test("is the code of the URL, made on the screen, with a quiet zone", () => {
    const url = "https://diemcau.example.vn/attendance/here/DCP.123.98765.abcdef0123456789abcd/";
    const rows = qrMatrix(url, qrcode);
    // a version large enough for the URL, square, with two light modules around it
    assert.ok(rows.length >= 25 + 4, String(rows.length));
    assert.ok(rows.every((row) => row.length === rows.length));
    assert.ok(rows[0].every((dark) => !dark) && rows[1].every((dark) => !dark));
    assert.ok(rows.every((row) => !row[0] && !row[1] && !row.at(-1) && !row.at(-2)));
    // the finder pattern's corner is dark, where every reader looks for it
    assert.equal(rows[2][2], true);
    // and the same URL always gives the same drawing
    assert.deepEqual(qrMatrix(url, qrcode), rows);
  });
});

describe("the page", () => {
  test("gives the script what it reads", () => {
    const page = readFileSync(new URL("../../templates/attendance/display.html", import.meta.url), "utf8");
    for (const needed of [
      'id="display"',
      "data-code-url=",
      'id="display-qr"',
      'id="display-timer"',
      'id="display-count"',
      'id="display-offline"',
      'id="display-window"',
      'type="module" src="{% static \'js/display/main.js\' %}"',
      "vendor/qrcode-generator/qrcode.js",
    ]) {
      assert.ok(page.includes(needed), needed);
    }
  });
});
