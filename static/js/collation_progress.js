// While a collation runs or its PDFs are being made, poll its progress and move the bar;
// reload once at the end so the table shows the new certificates.
(function () {
  "use strict";
  const box = document.getElementById("collation");
  if (!box || box.dataset.busy !== "1") return;
  const format = new Intl.NumberFormat("vi-VN");

  function show(progress) {
    const bar = box.querySelector("[data-bar]");
    if (bar) {
      bar.style.width = progress.percent + "%";
      bar.textContent = progress.percent + "%";
      bar.parentElement.setAttribute("aria-valuenow", progress.percent);
    }
    box.querySelectorAll("[data-field]").forEach((el) => {
      const value = progress[el.dataset.field];
      if (value === undefined) return;
      el.textContent = typeof value === "number" ? format.format(value) : value;
    });
  }

  async function refresh() {
    let busy = true;
    try {
      const response = await fetch(box.dataset.url, { credentials: "same-origin" });
      if (response.ok) {
        const progress = await response.json();
        show(progress);
        busy = progress.active;
      }
    } catch (error) {
      /* offline: try again next round */
    }
    if (busy) setTimeout(refresh, 2000);
    else window.location.reload();
  }
  setTimeout(refresh, 2000);
})();
