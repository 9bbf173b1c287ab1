// What the page downloads again and again (refresh.js): the point's counts and its roster.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  COUNTS_DELAY_MS,
  createCounts,
  createRosterRefresh,
  rosterStatusText,
} from "../../static/js/scanner/refresh.js";
import { RosterCache } from "../../static/js/scanner/roster.js";
import { keysFor, load } from "../../static/js/scanner/storage.js";
import { MemoryStorage, person, templateStrings } from "./helpers.mjs";

const t = templateStrings();
const KEY = keysFor(5).roster;

// api.request's stand-in: answers every request with `answer` (or throws it, when an Error),
// and keeps the URLs asked for.
function requesting(answer) {
  const asked = [];
  const request = async (url) => {
    asked.push(url);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { request, asked };
}

const SESSION_COUNTS = {
  points: [
    { participation_id: 4, checked_in: 9, on_roster: 10, percent: 90 },
    { participation_id: 5, checked_in: 3, on_roster: 8, percent: 38 },
  ],
};

function counts(answer, { online = true } = {}) {
  const { request, asked } = requesting(answer);
  const drawn = [];
  const render = (...figures) => drawn.push(figures);
  const made = createCounts({
    request,
    url: "/counts",
    participationId: 5,
    online: () => online,
    render,
  });
  return { ...made, asked, drawn };
}

describe("the counts", () => {
  test("show this point's figures out of the session's", async () => {
    const c = counts({ status: 200, data: SESSION_COUNTS });
    await c.refresh();
    assert.deepEqual(c.asked, ["/counts"]);
    assert.deepEqual(c.drawn, [[3, 8, 38]]);
  });

  test("are not asked for offline", async () => {
    const c = counts({ status: 200, data: SESSION_COUNTS }, { online: false });
    await c.refresh();
    assert.deepEqual(c.asked, []);
  });

  test("stay as they are when the answer is not the counts, or does not come", async () => {
    const answers = [
      { status: 500, data: null },
      { status: 200, data: null },
      { status: 200, data: { points: [] } },
      { status: 200, data: {} },
      new TypeError("Failed to fetch"),
    ];
    for (const answer of answers) {
      const c = counts(answer);
      await assert.doesNotReject(c.refresh());
      assert.deepEqual(c.drawn, []);
    }
  });

  test("asked for soon, several times together, are asked for once", async (context) => {
    context.mock.timers.enable({ apis: ["setTimeout"] });
    const c = counts({ status: 200, data: SESSION_COUNTS });
    c.soon();
    context.mock.timers.tick(COUNTS_DELAY_MS - 1);
    c.soon();
    c.soon();
    context.mock.timers.tick(COUNTS_DELAY_MS - 1);
    assert.deepEqual(c.asked, []);
    context.mock.timers.tick(1);
    assert.deepEqual(c.asked, ["/counts"]);
  });
});

describe("the roster", () => {
  function refresher(answer, { online = true, stored = null } = {}) {
    const storage = new MemoryStorage(stored ? { [KEY]: JSON.stringify(stored) } : {});
    const roster = new RosterCache(storage, KEY);
    const { request, asked } = requesting(answer);
    const said = [];
    let searches = 0;
    const refresh = createRosterRefresh({
      request,
      url: "/roster",
      roster,
      online: () => online,
      showStatus: (state) => said.push(state),
      loaded: () => searches++,
      now: () => new Date("2025-03-10T00:30:00Z"),
    });
    return { refresh, roster, storage, asked, said, searches: () => searches };
  }

  const copy = { people: [person(1), person(2)], fetchedAt: "2025-03-09T10:00:00Z" };

  test("downloaded, replaces the phone's copy and redraws the search", async () => {
    const r = refresher({ status: 200, data: { people: [person(7)] } }, { stored: copy });
    await r.refresh();
    assert.deepEqual(r.asked, ["/roster"]);
    assert.deepEqual(r.said, ["loaded"]);
    assert.equal(r.searches(), 1);
    assert.deepEqual(load(r.storage, KEY, null), {
      people: [person(7)],
      fetchedAt: "2025-03-10T00:30:00.000Z",
    });
  });

  test("not downloaded, the copy on the phone serves, if there is one", async () => {
    const failures = [new TypeError("Failed to fetch"), { status: 403, data: { detail: "no" } }];
    for (const answer of failures) {
      const r = refresher(answer, { stored: copy });
      await r.refresh();
      assert.deepEqual(r.said, ["cached"]);
      assert.equal(r.roster.people.length, 2);
      assert.equal(r.searches(), 0);
    }
    const none = refresher(new TypeError("Failed to fetch"));
    await none.refresh();
    assert.deepEqual(none.said, ["missing"]);
  });

  test("offline, it is not asked for", async () => {
    const r = refresher({ status: 200, data: { people: [] } }, { online: false, stored: copy });
    await r.refresh();
    assert.deepEqual(r.asked, []);
    assert.deepEqual(r.said, ["cached"]);
  });

  test("its status names how many people the phone holds", () => {
    assert.equal(rosterStatusText("loaded", 8, t), t.rosterLoaded.replace("{count}", "8"));
    assert.equal(rosterStatusText("cached", 2, t), t.rosterCached.replace("{count}", "2"));
    assert.equal(rosterStatusText("missing", 0, t), t.rosterMissing);
  });
});
