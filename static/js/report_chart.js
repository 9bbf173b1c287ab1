// Coverage per unit as a horizontal bar chart: one bar per level, in percent.
(function () {
  "use strict";
  const canvas = document.getElementById("coverage-chart");
  const source = document.getElementById("coverage-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const colours = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384"];
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
      scales: { x: { min: 0, max: 100, ticks: { callback: (value) => value + "%" } } },
      plugins: {
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${item.formattedValue}%` } },
        legend: { position: "bottom" },
      },
    },
  });
})();
