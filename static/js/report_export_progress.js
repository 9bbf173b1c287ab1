// While a report export is written, poll its progress; show the download link when done.
(function () {
  "use strict";
  const box = document.getElementById("report-export");
  if (!box || box.dataset.busy !== "1") return;
  const format = new Intl.NumberFormat("vi-VN");

  function show(progress) {
    const bar = box.querySelector("[data-bar]");
    bar.style.width = progress.percent + "%";
    bar.textContent = progress.percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", progress.percent);
    box.querySelectorAll("[data-field]").forEach((el) => {
      const value = progress[el.dataset.field];
      if (value === undefined) return;
      el.textContent = typeof value === "number" ? format.format(value) : value;
      if (el.dataset.field === "error") el.classList.toggle("d-none", !value);
    });
    const link = box.querySelector("[data-download]");
    if (progress.download_url) {
      link.href = progress.download_url;
      link.classList.remove("d-none");
      const waiting = box.querySelector("[data-waiting]");
      if (waiting) waiting.remove();
    }
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
    if (busy) setTimeout(refresh, 1500);
  }
  setTimeout(refresh, 1000);
})();
