// The roster the phone downloads: ticket digests, lookups, search with or without accents.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";

import { digestOf, matchPeople, MAX_FOUND, RosterCache } from "../../static/js/scanner/roster.js";
import { fold } from "../../static/js/scanner/text.js";
import { MemoryStorage, person } from "./helpers.mjs";

const KEY = "diemcau.scanner.5.roster";
// A ticket as attendance/tickets.py writes it; the tag is made up, the phone never checks it.
const TICKET = "DC1.42.1.AbCdEfGhIjKlMnOpQrStUv";
// What attendance/tickets.py's ticket_digest gives: hashlib.sha256(payload.encode()).hexdigest().
const serverDigest = (payload) => createHash("sha256").update(payload, "utf8").digest("hex");

function cacheWith(people) {
  const storage = new MemoryStorage({
    [KEY]: JSON.stringify({ people: people, fetchedAt: "2025-03-10T00:00:00Z" }),
  });
  return { storage, roster: new RosterCache(storage, KEY) };
}

describe("ticket digests", () => {
  test("are the SHA-256 of the ticket, lower-case hex, as the server makes them", async () => {
    assert.equal(
      await digestOf("abc"),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert.equal(await digestOf(TICKET), serverDigest(TICKET));
  });

  test("hash text as UTF-8, as Python's str.encode does", async () => {
    assert.equal(await digestOf("Đỗ Thị Dung"), serverDigest("Đỗ Thị Dung"));
  });

  test("are not made without Web Crypto (a page outside a secure context)", async (t) => {
    t.mock.getter(globalThis, "crypto", () => undefined);
    assert.equal(await digestOf(TICKET), null);
  });
});

describe("the roster on the phone", () => {
  test("is missing until one was downloaded", () => {
    const roster = new RosterCache(new MemoryStorage(), KEY);
    assert.equal(roster.loaded, false);
    assert.deepEqual(roster.people, []);
    assert.equal(roster.person(1), undefined);
    assert.equal(roster.search("an"), null);
  });

  test("is indexed by entry and by ticket digest", () => {
    const { roster } = cacheWith([person(1, { digest: "d1" }), person(2, { digest: "d2" })]);
    assert.equal(roster.loaded, true);
    assert.equal(roster.person(2).name, "Person 2");
    assert.equal(roster.byDigest.get("d1").id, 1);
  });

  test("leaves people without a ticket (walk-ins) out of the digest index only", () => {
    const { roster } = cacheWith([person(1, { digest: "" })]);
    assert.equal(roster.byDigest.size, 0);
    assert.equal(roster.person(1).id, 1);
  });

  test("a fresh download replaces the copy, stored and re-indexed", () => {
    const { storage, roster } = cacheWith([person(1, { digest: "d1" })]);
    roster.replace([person(3, { digest: "d3" })], "2025-03-10T01:00:00Z");
    assert.equal(roster.person(1), undefined);
    assert.equal(roster.byDigest.get("d3").id, 3);
    const stored = JSON.parse(storage.getItem(KEY));
    assert.equal(stored.fetchedAt, "2025-03-10T01:00:00Z");
    assert.deepEqual(
      stored.people.map((p) => p.id),
      [3]
    );
  });

  test("an empty download is still a roster: tickets are checked against it", async () => {
    const roster = new RosterCache(new MemoryStorage(), KEY);
    roster.replace([], "2025-03-10T01:00:00Z");
    assert.equal(roster.loaded, true);
    assert.deepEqual(await roster.recognise(TICKET), { checkable: true, person: null });
  });

  test("recognises a ticket by its digest", async () => {
    const { roster } = cacheWith([person(42, { digest: serverDigest(TICKET) })]);
    const found = await roster.recognise(TICKET);
    assert.equal(found.checkable, true);
    assert.equal(found.person.id, 42);
  });

  test("a ticket not on it is checkable but unknown", async () => {
    const { roster } = cacheWith([person(42, { digest: serverDigest(TICKET) })]);
    assert.deepEqual(await roster.recognise("DC1.43.1.other"), { checkable: true, person: null });
  });

  test("without a roster nothing is checkable", async () => {
    const roster = new RosterCache(new MemoryStorage(), KEY);
    assert.deepEqual(await roster.recognise(TICKET), { checkable: false, person: null });
  });

  test("without Web Crypto nothing is checkable either", async (t) => {
    const { roster } = cacheWith([person(42, { digest: serverDigest(TICKET) })]);
    t.mock.getter(globalThis, "crypto", () => undefined);
    assert.deepEqual(await roster.recognise(TICKET), { checkable: false, person: null });
  });

  test("an arrival is marked and kept across a reload; an undo clears it", () => {
    const { storage, roster } = cacheWith([person(1)]);
    roster.markArrival(1, "2025-03-10T00:52:00Z");
    assert.equal(new RosterCache(storage, KEY).person(1).checked_in_at, "2025-03-10T00:52:00Z");
    roster.markArrival(1, null);
    assert.equal(new RosterCache(storage, KEY).person(1).checked_in_at, null);
  });

  test("an arrival of someone not on it changes nothing", () => {
    const { storage, roster } = cacheWith([person(1)]);
    const before = storage.getItem(KEY);
    roster.markArrival(99, "2025-03-10T00:52:00Z");
    assert.equal(storage.getItem(KEY), before);
  });

  test("a walk-in joins it once, without a digest, findable by name", () => {
    const { storage, roster } = cacheWith([person(1)]);
    const entry = {
      id: 12,
      name: "Hoàng Văn Khách",
      agency: "UBND xã Lãng Công",
      checked_in_at: "2025-03-10T00:52:00Z",
    };
    roster.addWalkIn(entry);
    roster.addWalkIn(entry);
    assert.equal(roster.people.length, 2);
    assert.equal(roster.person(12).digest, "");
    assert.equal(roster.search("khach")[0].id, 12);
    assert.equal(new RosterCache(storage, KEY).person(12).name, "Hoàng Văn Khách");
  });

  test("a walk-in is not added to a roster never downloaded", () => {
    const roster = new RosterCache(new MemoryStorage(), KEY);
    roster.addWalkIn({ id: 12, name: "A", agency: "", checked_in_at: null });
    assert.equal(roster.loaded, false);
  });
});

describe("folding text for search", () => {
  test("drops Vietnamese tone marks and vowel marks", () => {
    assert.equal(fold("Nguyễn Thị Ánh Tuyết"), "nguyen thi anh tuyet");
    assert.equal(fold("Phạm Quốc Hưng"), "pham quoc hung");
    assert.equal(fold("Lưu Ơn Ưng Ắ Ầ Ẩ Ẫ Ậ"), "luu on ung a a a a a");
  });

  test("turns đ and Đ, which do not decompose, into d", () => {
    assert.equal(fold("Đỗ Thị Dung"), "do thi dung");
    assert.equal(fold("đường Điện Biên"), "duong dien bien");
  });

  test("folds precomposed and decomposed input alike", () => {
    const precomposed = "Sông Lô".normalize("NFC");
    const decomposed = "Sông Lô".normalize("NFD");
    assert.notEqual(precomposed, decomposed);
    assert.equal(fold(precomposed), fold(decomposed));
  });

  test("reads nothing as empty", () => {
    assert.equal(fold(""), "");
    assert.equal(fold(null), "");
    assert.equal(fold(undefined), "");
  });
});

describe("search by name", () => {
  const people = [
    person(1, { name: "Đỗ Thị Dung", agency: "UBND huyện Sông Lô" }),
    person(2, { name: "Đỗ Văn Dũng", agency: "UBND huyện Tam Đảo" }),
    person(3, { name: "Nguyễn Văn An", agency: "Sở Nội vụ" }),
  ];

  test("finds a name typed without diacritics", () => {
    assert.deepEqual(
      matchPeople(people, "do thi dung").map((p) => p.id),
      [1]
    );
  });

  test("finds a name typed with them, in any case", () => {
    assert.deepEqual(
      matchPeople(people, "ĐỖ VĂN DŨNG").map((p) => p.id),
      [2]
    );
  });

  test("every word must match, in any order, in the name or the agency", () => {
    assert.deepEqual(
      matchPeople(people, "dung song lo").map((p) => p.id),
      [1]
    );
    assert.deepEqual(
      matchPeople(people, "tam dao do").map((p) => p.id),
      [2]
    );
    assert.deepEqual(
      matchPeople(people, "  do   dung ").map((p) => p.id),
      [1, 2]
    );
  });

  test("words match inside names", () => {
    assert.deepEqual(
      matchPeople(people, "noi").map((p) => p.id),
      [3]
    );
  });

  test("nobody matching is an empty list; nothing typed is null", () => {
    assert.deepEqual(matchPeople(people, "xyz"), []);
    assert.equal(matchPeople(people, ""), null);
    assert.equal(matchPeople(people, "   "), null);
  });

  test("shows at most thirty people, in roster order", () => {
    const many = Array.from({ length: 50 }, (_, i) => person(i + 1, { name: "Trần Văn " + i }));
    const found = matchPeople(many, "tran");
    assert.equal(found.length, MAX_FOUND);
    assert.equal(found[0].id, 1);
  });
});
