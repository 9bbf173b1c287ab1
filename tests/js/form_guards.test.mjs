// What replaced the pages' inline handlers (static/js/forms/guards.js): a button that asks
// before it sends, and a filter form that never sends.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { confirmClick, filterOnlySubmit, install } from "../../static/js/forms/guards.js";

function element(attributes = {}, parent = null) {
  return {
    dataset: Object.fromEntries(
      Object.entries(attributes)
        .filter(([name]) => name.startsWith("data-"))
        .map(([name, value]) => [name.slice(5).replace(/-([a-z])/g, (m, c) => c.toUpperCase()), value]),
    ),
    hasAttribute: (name) => name in attributes,
    closest(selector) {
      const name = selector.slice(1, -1);
      return name in attributes ? this : parent && parent.closest(selector);
    },
  };
}

function event(target) {
  return { target, prevented: false, preventDefault() { this.prevented = true; } };
}

const QUESTION = "Close the programme? Its certificates are then issued.";

describe("a button with data-confirm", () => {
  test("asks its own question, and sends when the person agrees", () => {
    const asked = [];
    const click = event(element({ "data-confirm": QUESTION }));
    assert.equal(confirmClick(click, (q) => asked.push(q) > 0), true);
    assert.deepEqual(asked, [QUESTION]);
    assert.equal(click.prevented, false);
  });

  test("sends nothing when the person says no", () => {
    const click = event(element({ "data-confirm": QUESTION }));
    assert.equal(confirmClick(click, () => false), false);
    assert.equal(click.prevented, true);
  });

  test("asks when the click lands on something inside the button", () => {
    const button = element({ "data-confirm": QUESTION });
    const click = event(element({}, button));
    assert.equal(confirmClick(click, () => false), false);
    assert.equal(click.prevented, true);
  });

  test("other buttons are never asked about", () => {
    let asked = false;
    const click = event(element({ type: "submit" }));
    assert.equal(confirmClick(click, () => (asked = true) && false), true);
    assert.equal(asked, false);
    assert.equal(click.prevented, false);
  });
});

describe("a form with data-filter-only", () => {
  test("is never sent: Enter in its search box filters in place", () => {
    const submit = event(element({ "data-filter-only": "" }));
    assert.equal(filterOnlySubmit(submit), false);
    assert.equal(submit.prevented, true);
  });

  test("other forms are sent as usual", () => {
    const submit = event(element({ method: "post" }));
    assert.equal(filterOnlySubmit(submit), true);
    assert.equal(submit.prevented, false);
  });
});

test("install listens for clicks and submits on the whole page", () => {
  const heard = {};
  install({ addEventListener: (type, listener) => (heard[type] = listener) }, () => true);
  assert.deepEqual(Object.keys(heard).sort(), ["click", "submit"]);
});

test("the two pages that had inline handlers mark their forms for these guards", () => {
  const read = (path) => readFileSync(new URL("../../templates/" + path, import.meta.url), "utf8");
  const certificates = read("certificates/programme_certificates.html");
  const dashboard = read("attendance/dashboard.html");
  for (const html of [certificates, dashboard]) {
    assert.doesNotMatch(html, /\son[a-z]+=/);
    assert.match(html, /<script type="module" src="{% static 'js\/forms\/guards\.js' %}"><\/script>/);
  }
  assert.match(
    certificates,
    /data-confirm="{% translate 'Close the programme\? Its certificates are then issued, once every session is closed and the design is complete\.' %}"/,
  );
  assert.match(dashboard, /<form id="dashboard-filters"[^>]*\sdata-filter-only[\s>]/);
});
