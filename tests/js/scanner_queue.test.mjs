// The offline queue in localStorage, and what else the phone keeps there.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { drain, ScanQueue } from "../../static/js/scanner/queue.js";
import {
  DEVICE_KEY,
  deviceId,
  keysFor,
  load,
  save,
  uuid,
} from "../../static/js/scanner/storage.js";
import { FullStorage, MemoryStorage, UUID4 } from "./helpers.mjs";

const KEY = "diemcau.scanner.5.queue";

function scan(id, overrides = {}) {
  return {
    scan_id: id,
    action: "check_in",
    payload: "DC1." + id,
    entry_id: null,
    scanned_at: "2025-03-10T00:52:00.000Z",
    queued: false,
    name: "",
    agency: "",
    known: false,
    checkable: false,
    entry_key: null,
    ...overrides,
  };
}

describe("what the phone keeps", () => {
  test("keys are per point, so two points on one phone keep two queues", () => {
    assert.deepEqual(keysFor(5), {
      queue: "diemcau.scanner.5.queue",
      roster: "diemcau.scanner.5.roster",
      last: "diemcau.scanner.5.last",
    });
    assert.notEqual(keysFor(5).queue, keysFor(6).queue);
  });

  test("values go in as JSON and come back", () => {
    const storage = new MemoryStorage();
    save(storage, "k", { a: [1, "b"] });
    assert.equal(storage.getItem("k"), '{"a":[1,"b"]}');
    assert.deepEqual(load(storage, "k", null), { a: [1, "b"] });
  });

  test("a missing or corrupt value reads as the fallback", () => {
    const storage = new MemoryStorage({ bad: "{not json" });
    assert.deepEqual(load(storage, "missing", []), []);
    assert.deepEqual(load(storage, "bad", []), []);
  });

  test("a full or private-mode storage neither throws on write nor on read", () => {
    const storage = new FullStorage();
    assert.doesNotThrow(() => save(storage, "k", 1));
    assert.equal(load(storage, "k", "fallback"), "fallback");
    const broken = {
      getItem() {
        throw new Error("SecurityError");
      },
    };
    assert.equal(load(broken, "k", "fallback"), "fallback");
  });

  test("the device id is made once and kept", () => {
    const storage = new MemoryStorage();
    const first = deviceId(storage);
    assert.match(first, UUID4);
    assert.equal(deviceId(storage), first);
    assert.equal(load(storage, DEVICE_KEY, ""), first);
  });

  test("ids are version-4 UUIDs even without crypto.randomUUID (plain-HTTP pages)", () => {
    // Shadow the prototype's method on the instance, as an insecure context lacks it.
    const insecure = { value: undefined, configurable: true };
    Object.defineProperty(globalThis.crypto, "randomUUID", insecure);
    try {
      assert.equal(globalThis.crypto.randomUUID, undefined);
      const id = uuid();
      assert.match(id, UUID4);
      assert.notEqual(uuid(), id);
    } finally {
      delete globalThis.crypto.randomUUID;
    }
    assert.equal(typeof globalThis.crypto.randomUUID, "function");
  });
});

describe("the queue", () => {
  test("starts from what the storage holds, or empty", () => {
    const held = [scan("a"), scan("b")];
    assert.equal(new ScanQueue(new MemoryStorage({ [KEY]: JSON.stringify(held) }), KEY).length, 2);
    assert.equal(new ScanQueue(new MemoryStorage(), KEY).length, 0);
  });

  test("holding marks the scan queued, stores it and says so", () => {
    const storage = new MemoryStorage();
    let changes = 0;
    const queue = new ScanQueue(storage, KEY, () => changes++);
    const a = scan("a");
    queue.hold(a);
    assert.equal(a.queued, true);
    assert.equal(changes, 1);
    assert.deepEqual(JSON.parse(storage.getItem(KEY)), [{ ...a, queued: true }]);
  });

  test("a scan held twice (sent, failed, held again) is kept once, in its first place", () => {
    const queue = new ScanQueue(new MemoryStorage(), KEY);
    queue.hold(scan("a"));
    queue.hold(scan("b"));
    queue.hold(scan("a"));
    assert.deepEqual(
      queue.items.map((held) => held.scan_id),
      ["a", "b"]
    );
  });

  test("survives a reload of the page", () => {
    const storage = new MemoryStorage();
    new ScanQueue(storage, KEY).hold(scan("a"));
    const again = new ScanQueue(storage, KEY);
    assert.equal(again.length, 1);
    assert.equal(again.items[0].scan_id, "a");
    assert.equal(again.items[0].queued, true);
  });

  test("removing a sent scan stores the rest", () => {
    const storage = new MemoryStorage();
    const queue = new ScanQueue(storage, KEY);
    queue.hold(scan("a"));
    queue.hold(scan("b"));
    queue.remove("a");
    assert.deepEqual(
      JSON.parse(storage.getItem(KEY)).map((held) => held.scan_id),
      ["b"]
    );
    queue.remove("b");
    assert.equal(storage.getItem(KEY), "[]");
  });

  test("reload takes what another tab stored", () => {
    const storage = new MemoryStorage();
    let changes = 0;
    const queue = new ScanQueue(storage, KEY, () => changes++);
    storage.setItem(KEY, JSON.stringify([scan("other-tab")]));
    queue.reload();
    assert.equal(queue.items[0].scan_id, "other-tab");
    assert.equal(changes, 1);
  });

  test("finds a held check-in of a person, not their check-out nor unknown tickets", () => {
    const queue = new ScanQueue(new MemoryStorage(), KEY);
    queue.hold(scan("unknown"));
    queue.hold(scan("out", { action: "check_out", entry_key: 7 }));
    assert.equal(queue.pendingCheckIn(7), undefined);
    queue.hold(scan("in", { entry_key: 7 }));
    assert.equal(queue.pendingCheckIn(7).scan_id, "in");
    assert.equal(queue.pendingCheckIn(8), undefined);
  });

  test("still works in memory when the storage is full", () => {
    const queue = new ScanQueue(new FullStorage(), KEY);
    queue.hold(scan("a"));
    assert.equal(queue.length, 1);
  });
});

describe("sending what is held", () => {
  function queueOf(...ids) {
    const queue = new ScanQueue(new MemoryStorage(), KEY);
    for (const id of ids) queue.hold(scan(id));
    return queue;
  }

  test("sends oldest first and settles each answer", async () => {
    const queue = queueOf("a", "b", "c");
    const sent = [];
    const settled = [];
    const stopped = await drain(
      queue,
      async (held) => {
        sent.push(held.scan_id);
        return { final: true, status: 200, data: { code: "checked_in" } };
      },
      (held, outcome) => settled.push([held.scan_id, outcome.data.code])
    );
    assert.equal(stopped, null);
    assert.deepEqual(sent, ["a", "b", "c"]);
    assert.deepEqual(settled, [
      ["a", "checked_in"],
      ["b", "checked_in"],
      ["c", "checked_in"],
    ]);
    assert.equal(queue.length, 0);
  });

  test("a refusal is final too: the scan leaves the queue", async () => {
    const queue = queueOf("a");
    await drain(
      queue,
      async () => ({ final: true, status: 409, data: { code: "wrong_point" } }),
      () => {}
    );
    assert.equal(queue.length, 0);
  });

  test("a scan the server choked on stays, and the ones behind it still go", async () => {
    const queue = queueOf("a", "b", "c");
    const sent = [];
    const stopped = await drain(
      queue,
      async (held) => {
        sent.push(held.scan_id);
        return held.scan_id === "b" ? { retry: "server" } : { final: true, data: {} };
      },
      () => {}
    );
    assert.equal(stopped, null);
    assert.deepEqual(sent, ["a", "b", "c"]); // b tried once this round, not forever
    assert.deepEqual(
      queue.items.map((held) => held.scan_id),
      ["b"]
    );
  });

  for (const reason of ["network", "auth", "rate"]) {
    test(`${reason}: the round ends at once and everything stays, in order`, async () => {
      const queue = queueOf("a", "b");
      const sent = [];
      const stopped = await drain(
        queue,
        async (held) => {
          sent.push(held.scan_id);
          return { retry: reason };
        },
        () => assert.fail("nothing is settled")
      );
      assert.deepEqual(sent, ["a"]);
      assert.equal(stopped.retry, reason);
      assert.equal(stopped.scan.scan_id, "a");
      assert.deepEqual(
        queue.items.map((held) => held.scan_id),
        ["a", "b"]
      );
    });
  }

  test("a scan held while the round runs is sent in the same round", async () => {
    const queue = queueOf("a");
    const sent = [];
    await drain(
      queue,
      async (held) => {
        sent.push(held.scan_id);
        if (held.scan_id === "a") queue.hold(scan("late"));
        return { final: true, data: {} };
      },
      () => {}
    );
    assert.deepEqual(sent, ["a", "late"]);
    assert.equal(queue.length, 0);
  });
});
