// The organiser's home: this month's sessions by where they stand, one bar each.
// Chart.js is loaded before this module as its UMD build (the page has no inline script).
const canvas = document.getElementById("month-chart");
const source = document.getElementById("month-chart-data");

if (canvas && source && typeof globalThis.Chart !== "undefined") {
  const data = JSON.parse(source.textContent);
  // To be held, ended but not closed (needs the organiser), closed, cancelled.
  const colours = ["#0d6efd", "#fd7e14", "#198754", "#adb5bd"];
  new globalThis.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ data: data.data, backgroundColor: colours }],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      responsive: true,
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } },
    },
  });
}
