// The picker's requests (static/js/pickers/picker.js): the endpoint's own parameters stay,
// the typed text and the page are added.

import assert from "node:assert/strict";
import { test } from "node:test";

import { enhanceAll, pickerUrl } from "../../static/js/pickers/picker.js";

test("the typed text is added to the endpoint's own parameters", () => {
  assert.equal(pickerUrl("/points/pick/?within=7", "Lãng Công"), "/points/pick/?within=7&q=L%C3%A3ng+C%C3%B4ng");
});

test("no text asks for the first page as it is", () => {
  assert.equal(pickerUrl("/directory/pick/units/", ""), "/directory/pick/units/");
});

test("a later page is asked for by number", () => {
  assert.equal(pickerUrl("/directory/pick/people/", "an", 3), "/directory/pick/people/?q=an&page=3");
});

test("without a page to enhance, nothing is loaded", async () => {
  assert.deepEqual(await enhanceAll({ querySelectorAll: () => [] }), []);
});
