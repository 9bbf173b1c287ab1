// A walk-in: someone at the door who is not on the roster. The server adds and checks them in
// in one request, so this needs a connection; the phone then adds them to its roster copy.

import { showErrors } from "./panels.js";
import { walkInView } from "./verdict.js";

// The server's errors per field where it gave them; a page that is not the API's gets ours.
export function walkInErrors(data, t) {
  return (data && data.errors) || { __all__: [t.serverError] };
}

// What "Undo last" would take back after this walk-in.
export function walkInCheckIn(entry) {
  return { entry_id: entry.id, name: entry.name, agency: entry.agency };
}

// elements: form, submit (its button); url: the page's data-walk-in-url; page: the parts
// main.js builds. Returns the form's submit handler.
export function createWalkInForm(elements, url, page) {
  const { participationId, request, online, roster, sync, lastCheckIn, togglePanel, t } = page;
  const counts = page.counts;
  const { form, submit } = elements;

  function added(entry) {
    showErrors(form, {});
    form.reset();
    togglePanel("walk-in-panel", false);
    sync.announce(walkInView(entry, t));
    roster.addWalkIn(entry);
    lastCheckIn.set(walkInCheckIn(entry));
    counts.soon();
  }

  return async function submitWalkIn(event) {
    event.preventDefault();
    if (!online()) {
      showErrors(form, { __all__: [t.walkInOffline] });
      return;
    }
    const fields = Object.fromEntries(new FormData(form).entries());
    submit.disabled = true;
    try {
      const answer = await request(url, {
        body: Object.assign({ participation_id: participationId }, fields),
      });
      if (answer.status === 201 && answer.data) added(answer.data);
      else showErrors(form, walkInErrors(answer.data, t));
    } catch (error) {
      showErrors(form, { __all__: [t.walkInOffline] });
    } finally {
      submit.disabled = false;
    }
  };
}
