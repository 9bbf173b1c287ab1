// The check-in window as the scanner shows it, judged by the server's clock (the phone's may
// be off), and the warning about a phone whose clock is off.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  clockOffsetSeconds,
  clockWarning,
  createWindowNotice,
  ENDED,
  NOT_OPEN_YET,
  OPEN,
  windowState,
} from "../../static/js/scanner/window.js";
import { templateStrings } from "./helpers.mjs";

const t = templateStrings();
const OPENS = Date.parse("2026-12-11T00:00:00Z"); // 07:00 in Hà Nội
const CLOSES = Date.parse("2026-12-11T04:00:00Z");

function element(dataset = {}) {
  const classes = new Set(["alert"]);
  return {
    dataset: { ...dataset },
    textContent: "",
    hidden: false,
    classList: {
      toggle: (name, on) => (on ? classes.add(name) : classes.delete(name)),
      contains: (name) => classes.has(name),
    },
  };
}

function notice(serverNow) {
  return element({
    opensAt: String(OPENS / 1000),
    closesAt: String(CLOSES / 1000),
    serverNow: String(serverNow / 1000),
    textNotOpenYet: "Mở điểm danh lúc 07:00 ngày 11/12/2026.",
    textOpen: "Điểm danh mở đến 11:00 ngày 11/12/2026.",
    textEnded: "Đã hết giờ điểm danh (đóng lúc 11:00 ngày 11/12/2026).",
  });
}

describe("the window", () => {
  test("is not open before it opens, open at both ends, ended after", () => {
    assert.equal(windowState(OPENS - 1, OPENS, CLOSES), NOT_OPEN_YET);
    assert.equal(windowState(OPENS, OPENS, CLOSES), OPEN);
    assert.equal(windowState(CLOSES, OPENS, CLOSES), OPEN);
    assert.equal(windowState(CLOSES + 1, OPENS, CLOSES), ENDED);
  });

  test("says when it opens, by the server's clock, though the phone's is a year back", () => {
    let steady = 1000;
    const yearBack = OPENS - 60000 - 365 * 24 * 3600 * 1000;
    const box = notice(OPENS - 60000);
    const shown = createWindowNotice(box, null, t, {
      phoneNow: () => yearBack,
      steady: () => steady,
    });

    assert.equal(shown.update(), NOT_OPEN_YET);
    assert.equal(box.textContent, "Mở điểm danh lúc 07:00 ngày 11/12/2026.");
    assert.ok(box.classList.contains("alert-warning"));

    steady += 61000; // a minute later on the phone's steady clock
    assert.equal(shown.update(), OPEN);
    assert.equal(box.textContent, "Điểm danh mở đến 11:00 ngày 11/12/2026.");
    assert.ok(!box.classList.contains("alert-warning"));
  });

  test("says it has ended after it closed", () => {
    const box = notice(CLOSES + 1000);
    createWindowNotice(box, null, t, { phoneNow: () => CLOSES + 1000, steady: () => 0 }).update();

    assert.equal(box.dataset.state, ENDED);
    assert.match(box.textContent, /Đã hết giờ điểm danh/);
  });
});

describe("a phone whose clock is off", () => {
  test("is measured against the server's clock, ahead positive", () => {
    assert.equal(clockOffsetSeconds(OPENS, OPENS + 90000), 90);
    assert.equal(clockOffsetSeconds(OPENS, OPENS - 3 * 3600 * 1000), -10800);
  });

  test("is told within the limit nothing, past it in minutes or hours", () => {
    assert.equal(clockWarning(300, 300, t), "");
    assert.equal(clockWarning(-120, 300, t), "");
    assert.match(clockWarning(-420, 300, t), /\b7 minutes\b/);
    assert.match(clockWarning(3 * 3600 + 720, 300, t), /\babout 3 hours\b/);
    assert.match(clockWarning(-365 * 24 * 3600, 300, t), /\b8760 hours\b/);
  });

  test("shows the warning on the page, and hides it for a clock that is right", () => {
    const warning = element({ limit: "300" });
    createWindowNotice(notice(OPENS), warning, t, {
      phoneNow: () => OPENS - 3 * 3600 * 1000,
      steady: () => 0,
    });
    assert.equal(warning.hidden, false);
    assert.equal(warning.dataset.offset, "-10800");

    const right = element({ limit: "300" });
    createWindowNotice(notice(OPENS), right, t, { phoneNow: () => OPENS + 4000, steady: () => 0 });
    assert.equal(right.hidden, true);
  });
});
