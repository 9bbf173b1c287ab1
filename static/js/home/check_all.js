// "Select all on this page": a checkbox with data-check-all="name" ticks or clears every
// checkbox of that name in its form.
document.addEventListener("change", (event) => {
  const master = event.target;
  if (!master.matches || !master.matches("[data-check-all]")) return;
  const form = master.form || document;
  for (const box of form.querySelectorAll(`input[type=checkbox][name="${master.dataset.checkAll}"]`)) {
    box.checked = master.checked;
  }
});
