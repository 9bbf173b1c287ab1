// While a large sending runs, poll its counts and move the progress bars; stop when
// nothing is waiting any more.
(function () {
  "use strict";
  const box = document.getElementById("notice-progress");
  if (!box || box.dataset.busy !== "1") return;
  const format = new Intl.NumberFormat("vi-VN");

  function show(sendings) {
    sendings.forEach((row, index) => {
      const card = box.querySelector('[data-sending="' + index + '"]');
      if (!card) return;
      ["total", "sent", "failed", "skipped", "waiting"].forEach((key) => {
        const el = card.querySelector('[data-count="' + key + '"]');
        if (el) el.textContent = format.format(row[key]);
      });
      ["sent", "failed", "skipped"].forEach((key) => {
        const bar = card.querySelector('[data-bar="' + key + '"]');
        if (bar && row.total) bar.parentElement.style.width = (100 * row[key]) / row.total + "%";
      });
    });
    return sendings.some((row) => row.waiting > 0);
  }

  async function refresh() {
    let busy = true;
    try {
      const response = await fetch(box.dataset.url, { credentials: "same-origin" });
      if (response.ok) busy = show((await response.json()).sendings);
    } catch (error) {
      /* offline: try again next round */
    }
    if (busy) setTimeout(refresh, 3000);
  }
  setTimeout(refresh, 3000);
})();
