// The phone and the server must not drift apart. The server's reasons for answering a scan
// are read as text from the check-in service (attendance/services/checkin.py and its
// siblings), the page's strings from its template, and checked against what the scanner's
// modules know.
//
// What "knowing" a server code means here, from reading the code: the server words every
// answer itself (MESSAGES, translated, with the name, point or time filled in) and the
// phone shows those words as they come, colouring the answer by `accepted`. So the phone
// needs no message of its own per server code; what it must get right per code is how it
// takes the answer: final (shown, and the scan leaves the queue) or retry (kept and sent
// again), which it decides from the HTTP status the server gives that code. A server code
// whose status the phone did not take as final would be resent for ever; one it took as
// final when the server meant "later" would be lost. So every server code is put through
// the phone's own handling (scanOutcome, then answerView or heldView) and must come out
// final with the server's words and colour, or, for 429, held with the phone's own words.
// The other way round, every server code the modules name (to learn arrivals, or as the
// stand-in for an offline verdict) must still exist on the server, and none of the phone's
// own codes may be a server code, or #scan-result's data-code could not say who decided.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { scanOutcome } from "../../static/js/scanner/api.js";
import {
  answerView,
  heldView,
  LOCAL_CODES,
  SERVER_REASONS,
  ticketScan,
} from "../../static/js/scanner/verdict.js";
import { SCANNER_DIR, TEMPLATE, templateStrings } from "./helpers.mjs";

// The codes were written in checkin.py, where the check-in service lives; they may sit in a
// sibling module of the same package, so the package is searched.
const SERVICES = new URL("../../attendance/services/", import.meta.url);

function serverSource() {
  let files;
  try {
    files = readdirSync(SERVICES).filter((name) => name.endsWith(".py"));
  } catch (error) {
    assert.fail(`the check-in services moved from ${SERVICES.pathname}: update this test`);
  }
  const sources = files.map((name) => readFileSync(new URL(name, SERVICES), "utf8"));
  const defining = sources.filter((text) => /^MESSAGES = \{$/m.test(text));
  assert.equal(defining.length, 1, `one module of ${SERVICES.pathname} defines MESSAGES`);
  return sources.join("\n");
}

function readServer() {
  const source = serverSource();
  const dict = (name) => {
    const block = source.match(new RegExp(`^${name} = \\{\\n([\\s\\S]*?)^\\}`, "m"));
    assert.ok(block, `${name} = {...} not found in attendance/services`);
    // Keys at the dict's own indent only: a wrapped value's lines are indented deeper.
    return [...block[1].matchAll(/^ {4}"(\w+)":\s*([^\n]*)$/gm)];
  };
  const messages = dict("MESSAGES").map((match) => match[1]);
  const statuses = Object.fromEntries(
    dict("HTTP_STATUS").map((match) => [match[1], Number.parseInt(match[2], 10)])
  );
  const refused = source.match(/^REFUSED_STATUS = (\d+)$/m);
  assert.ok(refused, "REFUSED_STATUS not found in attendance/services");
  const accepted = source.match(/def accepted\b[\s\S]*?return self\.code in \(([^)]*)\)/);
  assert.ok(accepted, "ScanResult.accepted not found in attendance/services");
  return {
    codes: messages,
    status: (code) => statuses[code] ?? Number(refused[1]),
    statuses: statuses,
    accepted: [...accepted[1].matchAll(/"(\w+)"/g)].map((match) => match[1]),
  };
}

const server = readServer();
const t = templateStrings();

describe("the server's codes as read from attendance/services", () => {
  test("are found at all (a parse that finds nothing would pass everything below)", () => {
    assert.ok(server.codes.length >= 15, server.codes.join(", "));
    for (const code of ["checked_in", "already_checked_in", "wrong_point", "revoked", "forged"]) {
      assert.ok(server.codes.includes(code), code);
    }
    assert.deepEqual(server.accepted.sort(), ["checked_in", "checked_out"]);
    assert.equal(server.status("wrong_point"), 409);
    assert.equal(server.status("rate_limited"), 429);
  });

  test("statuses are given only to codes that exist", () => {
    for (const code of Object.keys(server.statuses)) assert.ok(server.codes.includes(code), code);
  });
});

describe("the phone knows only codes the server has", () => {
  test("every server reason the modules name is a server code", () => {
    for (const code of SERVER_REASONS) assert.ok(server.codes.includes(code), code);
  });

  test("every offline verdict stands in for a server code", () => {
    for (const [code, standsFor] of Object.entries(LOCAL_CODES)) {
      if (standsFor !== null) assert.ok(server.codes.includes(standsFor), `${code} → ${standsFor}`);
    }
  });

  test("none of the phone's own codes is a server code", () => {
    for (const code of Object.keys(LOCAL_CODES)) assert.ok(!server.codes.includes(code), code);
  });
});

describe("every code the server can answer a scan with is handled", () => {
  const scan = ticketScan("DC1.42.1.tag", "check_in", { scanId: "s1" });

  for (const code of server.codes) {
    test(code, () => {
      const status = server.status(code);
      const accepted = server.accepted.includes(code);
      const data = { accepted, code, message: `server words for ${code}`, name: "", agency: "" };
      const outcome = scanOutcome({ status, data });
      if (status === 429) {
        // The server asks to be asked later: the scan stays, and the phone says why.
        assert.deepEqual(outcome, { retry: "rate" });
        assert.match(heldView(scan, outcome.retry, true, t).message, new RegExp(t.rateLimited));
        return;
      }
      assert.equal(outcome.final, true, `HTTP ${status} for ${code} would be resent for ever`);
      const view = answerView(scan, outcome.data, t);
      assert.equal(view.code, code);
      assert.equal(view.state, accepted ? "ok" : "refused");
      assert.equal(view.message, `server words for ${code}`);
    });
  }
});

// The modules a page's entry point loads, followed through their relative imports.
function modulesOf(entry) {
  const found = new Set();
  const todo = [entry];
  while (todo.length) {
    const url = todo.pop();
    if (found.has(url.href)) continue;
    found.add(url.href);
    const source = readFileSync(url, "utf8");
    for (const match of source.matchAll(/\bfrom\s*"(\.{1,2}\/[^"]+)"/g)) {
      todo.push(new URL(match[1], url));
    }
  }
  return Array.from(found, (href) => new URL(href));
}

const PAGES = [
  // The signed-in coordinator's scanner, and the paired phone's.
  [TEMPLATE, new URL("main.js", SCANNER_DIR)],
  [
    new URL("../../templates/attendance/phone_scanner.html", import.meta.url),
    new URL("../device/main.js", SCANNER_DIR),
  ],
];

describe("the page gives the modules every string they use", () => {
  test("each t.key in the modules a page loads is a data- attribute of its #scanner-i18n", () => {
    const missing = [];
    for (const [template, entry] of PAGES) {
      const strings = templateStrings(template);
      for (const module of modulesOf(entry)) {
        const source = readFileSync(module, "utf8");
        for (const match of source.matchAll(/\bt\.([A-Za-z]+)\b/g)) {
          if (!(match[1] in strings)) missing.push(`${module.pathname}: t.${match[1]}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  test("every module of the scanner's folder is loaded by one of the pages", () => {
    const loaded = new Set(PAGES.flatMap(([, entry]) => modulesOf(entry).map((url) => url.href)));
    const files = readdirSync(SCANNER_DIR).filter((name) => name.endsWith(".js"));
    for (const file of files) assert.ok(loaded.has(new URL(file, SCANNER_DIR).href), file);
  });

  test("the placeholders the modules fill are in the strings", () => {
    assert.match(t.alreadyOffline, /\{time\}/);
    assert.match(t.checkedInAt, /\{time\}/);
    assert.match(t.rosterLoaded, /\{count\}/);
    assert.match(t.rosterCached, /\{count\}/);
  });
});

describe("the modules Node can import", () => {
  // Only main.js may touch the page when loaded; the rest must load without a DOM.
  const files = readdirSync(SCANNER_DIR).filter((name) => name.endsWith(".js"));

  test("are all the modules but main.js", () => {
    assert.ok(files.includes("main.js"));
    assert.ok(files.length >= 7, files.join(", "));
  });

  for (const file of files.filter((name) => name !== "main.js")) {
    test(`${file} loads without document or window`, async () => {
      assert.equal(typeof globalThis.document, "undefined");
      assert.equal(typeof globalThis.window, "undefined");
      await import(new URL(file, SCANNER_DIR).href);
    });
  }
});
