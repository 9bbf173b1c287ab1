// Bar charts of the survey results page: score distributions (1-5) and choice counts.
(function () {
  "use strict";
  var source = document.getElementById("survey-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(source.textContent);
  var scoreColours = ["#dc3545", "#fd7e14", "#ffc107", "#20c997", "#198754"];
  charts.forEach(function (chart) {
    var canvas = document.getElementById("chart-" + chart.id);
    if (!canvas) {
      return;
    }
    var scale = chart.kind === "scale";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: [{
          data: chart.values,
          backgroundColor: scale ? scoreColours : "#0d6efd",
          borderRadius: 4
        }]
      },
      options: {
        indexAxis: scale ? "x" : "y",
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0 } },
          y: { beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
  });
})();
