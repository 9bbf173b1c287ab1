// The page's panels and lists: the held scans, the search results, the counts, the forms'
// errors. Each function draws what it is given; main.js decides when.

import { clock, fill } from "./text.js";

export function renderPending(elements, held, t, lang) {
  const { panel, toggle, count, list } = elements;
  const waiting = held.length > 0;
  // The list shows itself while scans wait, and goes when they are sent.
  panel.classList.toggle("d-none", !waiting);
  toggle.setAttribute("aria-expanded", String(waiting));
  count.textContent = String(held.length);
  toggle.classList.toggle("btn-warning", waiting);
  toggle.classList.toggle("btn-outline-warning", !waiting);
  count.classList.toggle("text-bg-dark", waiting);
  count.classList.toggle("text-bg-warning", !waiting);
  list.replaceChildren(
    ...held.map((scan) => {
      const item = document.createElement("li");
      item.className = "list-group-item is-pending d-flex justify-content-between gap-2";
      item.dataset.scanId = scan.scan_id;
      const who = document.createElement("span");
      who.textContent = scan.name || t.unknownTicket;
      const what = document.createElement("span");
      what.className = "text-secondary text-nowrap";
      what.dataset.scannedAt = scan.scanned_at;
      const action = scan.action === "check_out" ? t.checkOut : t.checkIn;
      what.textContent = action + " · " + clock(scan.scanned_at, true, lang);
      item.append(who, what);
      return item;
    })
  );
}

export function renderCounts(elements, checkedIn, onRoster, percent) {
  elements.counts.dataset.checkedIn = String(checkedIn);
  elements.counts.dataset.onRoster = String(onRoster);
  elements.counts.textContent = checkedIn + " / " + onRoster;
  elements.percent.textContent = "(" + percent + "%)";
}

// found: null when nothing is typed (or no roster), else the people who match.
// heldCheckIn(id) gives a check-in of theirs still waiting on the phone, if any.
export function renderSearch(container, found, { heldCheckIn, choose, t, lang }) {
  if (found === null) {
    container.replaceChildren();
    return;
  }
  if (!found.length) {
    const none = document.createElement("div");
    none.className = "list-group-item text-secondary";
    none.textContent = t.noMatch;
    container.replaceChildren(none);
    return;
  }
  container.replaceChildren(
    ...found.map((person) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "list-group-item list-group-item-action";
      button.dataset.entryId = String(person.id);
      const name = document.createElement("div");
      name.className = "fw-semibold";
      name.textContent = person.name;
      const agency = document.createElement("div");
      agency.className = "small text-secondary";
      agency.textContent = person.agency;
      button.append(name, agency);
      const held = heldCheckIn(person.id);
      if (person.checked_in_at || held) {
        const arrived = document.createElement("div");
        arrived.className = "small " + (held ? "text-warning-emphasis" : "text-success");
        arrived.textContent = held
          ? t.pendingTitle + " · " + clock(held.scanned_at, false, lang)
          : "✓ " + fill(t.checkedInAt, { time: clock(person.checked_in_at, false, lang) });
        button.append(arrived);
      }
      button.addEventListener("click", () => choose(person));
      return button;
    })
  );
}

// errors: the API's {field: [messages]}; those for no field of the form go under __all__.
export function showErrors(form, errors) {
  for (const element of form.querySelectorAll("[data-error-for]")) element.textContent = "";
  for (const input of form.querySelectorAll(".is-invalid")) input.classList.remove("is-invalid");
  const general = [];
  for (const [field, messages] of Object.entries(errors || {})) {
    const text = [].concat(messages).join(" ");
    const target = form.querySelector('[data-error-for="' + CSS.escape(field) + '"]');
    const input = form.querySelector('[name="' + CSS.escape(field) + '"]');
    if (target && input) {
      target.textContent = text;
      input.classList.add("is-invalid");
    } else {
      general.push(text);
    }
  }
  const all = form.querySelector('[data-error-for="__all__"]');
  if (all) all.textContent = general.join(" ");
}

// toggles: panel id -> the button that opens it, whose aria-expanded follows the panel.
export function createPanels(toggles) {
  return function togglePanel(id, open) {
    const panel = document.getElementById(id);
    const show = open === undefined ? panel.classList.contains("d-none") : open;
    panel.classList.toggle("d-none", !show);
    const button = toggles[id];
    if (button) button.setAttribute("aria-expanded", String(show));
    if (show) {
      const first = panel.querySelector("input:not([type=hidden])");
      if (first) first.focus({ preventScroll: true });
      panel.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  };
}
