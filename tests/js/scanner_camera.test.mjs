// The camera's pure parts: one ticket in many frames is one scan; frames are scaled down.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  createRepeatFilter,
  FRAME_SIDE,
  frameSize,
  SAME_CODE_MS,
} from "../../static/js/scanner/camera.js";

function clockAt(start = 1000) {
  const clock = { now: start };
  return { clock, now: () => clock.now };
}

describe("a code seen by the camera", () => {
  test("is a new scan the first time", () => {
    const { now } = clockAt();
    assert.equal(createRepeatFilter(SAME_CODE_MS, now).fresh("DC1.1"), true);
  });

  test("held in front of the camera stays one scan, however long it stays", () => {
    const { clock, now } = clockAt();
    const repeats = createRepeatFilter(SAME_CODE_MS, now);
    repeats.fresh("DC1.1");
    for (let i = 0; i < 20; i++) {
      clock.now += SAME_CODE_MS - 1; // each sighting pushes the window on
      assert.equal(repeats.fresh("DC1.1"), false);
    }
  });

  test("shown again after a pause is a new scan (the server answers a repeat itself)", () => {
    const { clock, now } = clockAt();
    const repeats = createRepeatFilter(SAME_CODE_MS, now);
    repeats.fresh("DC1.1");
    clock.now += SAME_CODE_MS;
    assert.equal(repeats.fresh("DC1.1"), true);
  });

  test("another ticket is a new scan at once, and so is the first one after it", () => {
    const { clock, now } = clockAt();
    const repeats = createRepeatFilter(SAME_CODE_MS, now);
    repeats.fresh("DC1.1");
    clock.now += 10;
    assert.equal(repeats.fresh("DC1.2"), true);
    clock.now += 10;
    assert.equal(repeats.fresh("DC1.1"), true);
  });
});

describe("a name tapped in the search", () => {
  test("twice in a row is one check-in", () => {
    const { clock, now } = clockAt();
    const repeats = createRepeatFilter(SAME_CODE_MS, now);
    assert.equal(repeats.tap("entry:4"), true);
    clock.now += 300;
    assert.equal(repeats.tap("entry:4"), false);
  });

  test("counts the window from the first tap, not the last", () => {
    const { clock, now } = clockAt();
    const repeats = createRepeatFilter(SAME_CODE_MS, now);
    repeats.tap("entry:4");
    clock.now += SAME_CODE_MS - 500;
    assert.equal(repeats.tap("entry:4"), false);
    clock.now += 500;
    assert.equal(repeats.tap("entry:4"), true);
  });

  test("then another name is taken at once", () => {
    const { now } = clockAt();
    const repeats = createRepeatFilter(SAME_CODE_MS, now);
    repeats.tap("entry:4");
    assert.equal(repeats.tap("entry:5"), true);
  });
});

describe("frames", () => {
  test("larger than the decoding side are scaled down, keeping their shape", () => {
    assert.deepEqual(frameSize(1280, 720), { width: FRAME_SIDE, height: 405 });
    assert.deepEqual(frameSize(720, 1280), { width: 405, height: FRAME_SIDE });
  });

  test("smaller ones are decoded as they come", () => {
    assert.deepEqual(frameSize(640, 480), { width: 640, height: 480 });
  });
});
