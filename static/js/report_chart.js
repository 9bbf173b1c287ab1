// Coverage per unit as a horizontal bar chart: one bar per level, in percent.
(function () {
  "use strict";
  const canvas = document.getElementById("coverage-chart");
  const source = document.getElementById("coverage-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const colours = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384"];
  // Every unit keeps its own readable row (bars about 9px each) rather than sharing a fixed
  // height: 63 provinces with three levels each would otherwise draw hairlines.
  const rowHeight = Math.max(26, data.datasets.length * 9 + 12);
  canvas.parentElement.style.height = data.labels.length * rowHeight + 90 + "px";
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.datasets.map((set, index) => ({
        label: set.label,
        data: set.data,
        backgroundColor: colours[index % colours.length],
      })),
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      responsive: true,
      scales: {
        x: { min: 0, max: 100, position: "top", ticks: { callback: (value) => value + "%" } },
        // Every unit's name, never every other one.
        y: { ticks: { autoSkip: false } },
      },
      plugins: {
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${item.formattedValue}%` } },
        legend: { position: "top" },
      },
    },
  });
})();
