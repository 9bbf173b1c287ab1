// A paired phone keeps one device token per point it scans at, and a full or private
// storage loses none of the page's work.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { deviceFor, saveDevice } from "../../static/js/scanner/device.js";
import { FullStorage, MemoryStorage } from "./helpers.mjs";

describe("the phone's device tokens", () => {
  test("are kept per point and found again", () => {
    const storage = new MemoryStorage();
    saveDevice(storage, { token: "DCD.1.a", deviceId: 1, participationId: 7 });
    saveDevice(storage, { token: "DCD.2.b", deviceId: 2, participationId: 8 });

    assert.deepEqual(deviceFor(storage, 7), { token: "DCD.1.a", deviceId: 1 });
    assert.deepEqual(deviceFor(storage, "8"), { token: "DCD.2.b", deviceId: 2 });
    assert.equal(deviceFor(storage, 9), null);
  });

  test("pairing the same point again replaces its token", () => {
    const storage = new MemoryStorage();
    saveDevice(storage, { token: "DCD.1.a", deviceId: 1, participationId: 7 });
    saveDevice(storage, { token: "DCD.3.c", deviceId: 3, participationId: 7 });

    assert.deepEqual(deviceFor(storage, 7), { token: "DCD.3.c", deviceId: 3 });
  });

  test("a full storage is no error", () => {
    const storage = new FullStorage();
    saveDevice(storage, { token: "DCD.1.a", deviceId: 1, participationId: 7 });
    assert.equal(deviceFor(storage, 7), null);
  });
});
