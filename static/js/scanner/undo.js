// "Undo last": the check-in it would take back, and the form that asks why before it does.
// The server keeps the reason with the change, so an undo needs a connection.

import { load, save } from "./storage.js";
import { undoneView } from "./verdict.js";

// The latest check-in made on this phone ({entry_id, name, agency}) or null. Kept in storage
// so a reload does not take the coordinator's undo away.
export class LastCheckIn {
  constructor(storage, key, onChange = () => {}) {
    this.storage = storage;
    this.key = key;
    this.onChange = onChange;
    this.value = load(storage, key, null);
  }

  set(value) {
    this.value = value;
    save(this.storage, this.key, value);
    this.onChange(value);
  }
}

// The page is given the URL for entry 0 (templates cannot reverse a URL for an id to come).
export function undoUrl(template, entryId) {
  return template.replace("/0/undo", "/" + entryId + "/undo");
}

// Why an undo is not sent yet, or "" when it can be.
export function undoProblem(reason, online, t) {
  if (!reason) return t.undoReason;
  if (!online) return t.needsConnection;
  return "";
}

// The server's refusal in its own words where it gave any.
export function undoFailure(data, t) {
  const errors = (data && data.errors) || {};
  return (
    [].concat(errors.reason || [], errors.__all__ || []).join(" ") ||
    (data && data.detail) ||
    t.serverError
  );
}

// elements: name, reason, error (of #undo-panel); url: the page's data-undo-url; page: the
// parts main.js builds. Returns open() for the "Undo last" button, submit(event) for the form.
export function createUndoForm(elements, url, page) {
  const { request, online, roster, sync, lastCheckIn, togglePanel, answered, t } = page;

  function open() {
    const last = lastCheckIn.value;
    if (!last) return;
    const agency = last.agency ? " · " + last.agency : "";
    elements.name.textContent = last.name + agency;
    elements.error.textContent = "";
    togglePanel("undo-panel", true);
  }

  function undone() {
    const last = lastCheckIn.value;
    roster.markArrival(last.entry_id, null);
    sync.announce(undoneView(last, t));
    lastCheckIn.set(null);
    togglePanel("undo-panel", false);
    answered();
  }

  async function submit(event) {
    event.preventDefault();
    const reason = elements.reason.value.trim();
    if (!lastCheckIn.value) return;
    const problem = undoProblem(reason, online(), t);
    if (problem) {
      elements.error.textContent = problem;
      return;
    }
    try {
      const answer = await request(undoUrl(url, lastCheckIn.value.entry_id), {
        body: { reason: reason },
      });
      if (answer.status === 200) undone();
      else elements.error.textContent = undoFailure(answer.data, t);
    } catch (failure) {
      elements.error.textContent = t.needsConnection;
    }
  }

  return { open: open, submit: submit };
}
