// Live counts: every [data-live-counts] box polls the counts API and updates the rows
// marked [data-participation-row] and the totals marked [data-total].
(function () {
  "use strict";
  const boxes = document.querySelectorAll("[data-live-counts]");
  if (!boxes.length) return;

  function show(box, data) {
    box.querySelectorAll("[data-total]").forEach((el) => {
      const key = el.dataset.total;
      if (key === "bar") el.style.width = data.percent + "%";
      else if (key in data) el.textContent = data[key];
    });
    data.points.forEach((point) => {
      const row = box.querySelector('[data-participation-row="' + point.participation_id + '"]');
      if (!row) return;
      row.querySelectorAll("[data-count]").forEach((el) => {
        const key = el.dataset.count;
        if (key === "bar") el.style.width = point.percent + "%";
        else if (key === "last_scan") {
          el.textContent = point.last_scan
            ? new Date(point.last_scan).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" })
            : "–";
        } else if (key in point) el.textContent = point[key];
      });
    });
  }

  async function refresh(box) {
    try {
      const response = await fetch(box.dataset.url, { credentials: "same-origin" });
      if (response.ok) show(box, await response.json());
    } catch (error) {
      /* offline: the figures wait for the next round */
    }
  }

  boxes.forEach((box) => {
    refresh(box);
    const every = Number(box.dataset.every || 10) * 1000;
    setInterval(() => refresh(box), every);
  });
})();
