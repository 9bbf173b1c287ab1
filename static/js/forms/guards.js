// Forms that must not simply submit, without inline handlers (the Content-Security-Policy
// runs no script written in the page):
// - a button with data-confirm asks first, and nothing is sent unless the person agrees
//   (closing a programme issues its certificates at once);
// - a form with data-filter-only filters the page in place: pressing Enter in its search
//   box must not send it and reload the page.

// True when the click may go on; false after cancelling it.
export function confirmClick(event, ask) {
  const button = event.target.closest ? event.target.closest("[data-confirm]") : null;
  if (!button || ask(button.dataset.confirm)) return true;
  event.preventDefault();
  return false;
}

// True when the form may be sent; false after cancelling it.
export function filterOnlySubmit(event) {
  if (!event.target.hasAttribute("data-filter-only")) return true;
  event.preventDefault();
  return false;
}

export function install(root, ask) {
  root.addEventListener("click", (event) => confirmClick(event, ask));
  root.addEventListener("submit", filterOnlySubmit);
}

if (typeof document !== "undefined") {
  install(document, (question) => globalThis.confirm(question));
}
