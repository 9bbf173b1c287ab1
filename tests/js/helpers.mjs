// Shared by the scanner's tests; not a test file itself (node --test runs *.test.mjs only).

import { readFileSync } from "node:fs";

export const SCANNER_DIR = new URL("../../static/js/scanner/", import.meta.url);
export const TEMPLATE = new URL("../../templates/attendance/scanner.html", import.meta.url);

export const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// localStorage as the page uses it: strings in, strings out, null for a missing key.
export class MemoryStorage {
  constructor(entries = {}) {
    this.map = new Map(Object.entries(entries));
  }
  getItem(key) {
    return this.map.has(key) ? this.map.get(key) : null;
  }
  setItem(key, value) {
    this.map.set(key, String(value));
  }
  removeItem(key) {
    this.map.delete(key);
  }
}

// A full phone, or Safari in private mode: every write throws.
export class FullStorage extends MemoryStorage {
  setItem() {
    throw new Error("QuotaExceededError");
  }
}

const camel = (name) => name.replace(/-([a-z])/g, (match, letter) => letter.toUpperCase());

// The strings the page hands the script, as the template writes them (untranslated), keyed
// as element.dataset would key them: the tests read what a coordinator would read.
export function templateStrings(template = TEMPLATE) {
  const html = readFileSync(template, "utf8");
  const block = html.match(/<div id="scanner-i18n"[\s\S]*?><\/div>/);
  if (!block) throw new Error("no #scanner-i18n in " + template.pathname);
  const strings = {};
  for (const match of block[0].matchAll(/data-([a-z-]+)="\{% translate '([^']*)' %\}"/g)) {
    strings[camel(match[1])] = match[2];
  }
  return strings;
}

export function person(id, overrides = {}) {
  return {
    id: id,
    digest: "",
    name: "Person " + id,
    agency: "Agency " + id,
    checked_in_at: null,
    ...overrides,
  };
}
