// The two forms' rules that need no page (undo.js, walkin.js): what "Undo last" takes back,
// where it is sent, and what each form says when the server refuses.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { keysFor } from "../../static/js/scanner/storage.js";
import {
  LastCheckIn,
  undoFailure,
  undoProblem,
  undoUrl,
} from "../../static/js/scanner/undo.js";
import { walkInCheckIn, walkInErrors } from "../../static/js/scanner/walkin.js";
import { FullStorage, MemoryStorage, templateStrings } from "./helpers.mjs";

const t = templateStrings();
const KEY = keysFor(5).last;
const LAST = { entry_id: 42, name: "Đỗ Thị Dung", agency: "UBND huyện Sông Lô" };

describe("the check-in Undo last takes back", () => {
  test("is kept across a reload, and forgotten once undone", () => {
    const storage = new MemoryStorage();
    assert.equal(new LastCheckIn(storage, KEY).value, null);
    new LastCheckIn(storage, KEY).set(LAST);
    assert.deepEqual(new LastCheckIn(storage, KEY).value, LAST);
    new LastCheckIn(storage, KEY).set(null);
    assert.equal(new LastCheckIn(storage, KEY).value, null);
  });

  test("tells the page each change, so the button follows it", () => {
    const heard = [];
    const last = new LastCheckIn(new MemoryStorage(), KEY, (value) => heard.push(value));
    last.set(LAST);
    last.set(null);
    assert.deepEqual(heard, [LAST, null]);
  });

  test("stays while the page is open on a phone whose storage is full", () => {
    const last = new LastCheckIn(new FullStorage(), KEY);
    last.set(LAST);
    assert.deepEqual(last.value, LAST);
  });

  test("after a walk-in is the walk-in", () => {
    const entry = { id: 77, name: "Hoàng Văn Khách", agency: "", checked_in_at: "x" };
    assert.deepEqual(walkInCheckIn(entry), { entry_id: 77, name: "Hoàng Văn Khách", agency: "" });
  });
});

describe("an undo", () => {
  test("goes to the entry's own URL", () => {
    assert.equal(undoUrl("/api/attendance/0/undo", 42), "/api/attendance/42/undo");
    assert.equal(undoUrl("/vi/api/entries/0/undo/", 7), "/vi/api/entries/7/undo/");
  });

  test("needs a reason first, then a connection", () => {
    assert.equal(undoProblem("", false, t), t.undoReason);
    assert.equal(undoProblem("Nhầm người", false, t), t.needsConnection);
    assert.equal(undoProblem("Nhầm người", true, t), "");
  });

  test("refused, says the server's reasons, else its detail, else that it failed", () => {
    const errors = { reason: ["Too short."], __all__: ["Already undone."], other: ["x"] };
    assert.equal(undoFailure({ errors }, t), "Too short. Already undone.");
    assert.equal(undoFailure({ errors: {}, detail: "Not your point." }, t), "Not your point.");
    assert.equal(undoFailure({ detail: "Not found." }, t), "Not found.");
    assert.equal(undoFailure(null, t), t.serverError);
    assert.equal(undoFailure({}, t), t.serverError);
  });
});

describe("a walk-in refused", () => {
  test("shows the server's errors by field", () => {
    const errors = { full_name: ["Required."], __all__: ["Closed."] };
    assert.deepEqual(walkInErrors({ errors }, t), errors);
  });

  test("without them (an error page, not the API) says the server failed", () => {
    assert.deepEqual(walkInErrors(null, t), { __all__: [t.serverError] });
    assert.deepEqual(walkInErrors({ detail: "x" }, t), { __all__: [t.serverError] });
  });
});
