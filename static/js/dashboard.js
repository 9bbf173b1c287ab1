// The live session dashboard: draws every bridge point from the JSON the page embeds, then
// polls the dashboard API and redraws in place, without reloading. Polling pauses while the
// tab is hidden. Rows are only drawn for the province groups that are open, so the national
// session's 3,356 points cost nothing until someone looks at them.
(function () {
  "use strict";
  const root = document.getElementById("dashboard");
  if (!root) return;
  const labels = JSON.parse(document.getElementById("dashboard-labels").textContent);
  const timeZone = root.dataset.timeZone || "Asia/Ho_Chi_Minh";
  const every = Math.max(1, Number(root.dataset.every || 15)) * 1000;
  // More problem points than this and the groups stay shut: the list at the top names them.
  const AUTO_OPEN_LIMIT = 300;
  // A session this small opens with every province's points shown.
  const OPEN_ALL_LIMIT = 40;
  const numbers = new Intl.NumberFormat("vi-VN");
  const clock = new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit", timeZone });
  const day = new Intl.DateTimeFormat("en-GB", { day: "2-digit", month: "2-digit", timeZone });
  const clockSeconds = new Intl.DateTimeFormat("vi-VN", {
    hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone,
  });

  let data = JSON.parse(document.getElementById("dashboard-data").textContent);
  let chart = null;
  let timer = null;
  let firstDraw = true;
  let polls = 0;

  const filters = {
    query: document.getElementById("filter-query"),
    group: document.getElementById("filter-group"),
    state: document.getElementById("filter-state"),
  };

  function escape(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({
      "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
    })[c]);
  }

  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function time(value, withSeconds) {
    if (!value) return "–";
    return (withSeconds ? clockSeconds : clock).format(new Date(value));
  }

  // A scan's time with its day, "07:52 ngày 11/12": a session's scans may span days.
  function moment(value) {
    if (!value) return "–";
    return labels.moment
      .replace("%(time)s", clock.format(new Date(value)))
      .replace("%(date)s", day.format(new Date(value)));
  }

  function rosterUrl(participationId) {
    return root.dataset.rosterUrl.replace("/0/", "/" + participationId + "/");
  }

  function setTotals(scope, prefix, totals) {
    scope.querySelectorAll("[" + prefix + "]").forEach((el) => {
      const key = el.getAttribute(prefix);
      if (key === "bar") el.style.width = totals.percent + "%";
      else if (key === "last_scan") el.textContent = moment(totals.last_scan);
      else if (key in totals) el.textContent = numbers.format(totals[key]);
      if (key === "silent" && el.classList.contains("badge")) el.hidden = !totals.silent;
    });
  }

  function drawTotals() {
    setTotals(root.querySelector(".dashboard-totals"), "data-total", data.totals);
    root.querySelectorAll("[data-state-total]").forEach((el) => {
      el.textContent = numbers.format(data.totals.states[el.dataset.stateTotal] || 0);
    });
    document.getElementById("silent-card").classList.toggle("is-alert", data.totals.silent > 0);
  }

  function drawSilent() {
    const alert = document.getElementById("silent-alert");
    const silent = [];
    data.groups.forEach((group) => group.points.forEach((point) => {
      if (point.silent) silent.push([group, point]);
    }));
    alert.hidden = silent.length === 0;
    document.getElementById("silent-title").textContent =
      (silent.length === 1 ? labels.silent_one : labels.silent_many)
        .replace("%(count)s", numbers.format(silent.length));
    document.getElementById("silent-list").innerHTML = silent.slice(0, 100).map(([group, point]) =>
      '<li data-silent-point="' + point.participation_id + '"><a href="' + rosterUrl(point.participation_id) + '">' +
      escape(point.name) + '</a> <span class="text-secondary">· ' + escape(group.name) + "</span></li>"
    ).join("") + (silent.length > 100 ? "<li>…</li>" : "");
  }

  function matches(point) {
    const query = fold(filters.query.value.trim());
    const state = filters.state.value;
    if (query && !fold(point.name + " " + point.unit).includes(query)) return false;
    if (state === "silent") return point.silent;
    return !state || point.state === state;
  }

  function stateBadge(point, extra) {
    return '<span class="badge dashboard-state-' + point.state + (extra ? " " + extra : "") + '">' +
      escape(labels.states[point.state]) + "</span>";
  }

  // On a phone only the name and the count keep their own columns; the rest goes under the name.
  function rowHtml(point) {
    const flag = point.silent
      ? ' <span class="text-danger" role="img" aria-label="' + escape(labels.silent) + '" title="' +
        escape(labels.silent) + '">⚠</span>'
      : "";
    return '<tr data-participation="' + point.participation_id + '" data-state="' + point.state + '"' +
      (point.silent ? ' data-silent class="table-danger"' : "") + ">" +
      '<td><a href="' + rosterUrl(point.participation_id) + '">' + escape(point.name) + "</a>" + flag +
      '<div class="small text-secondary">' + escape(point.unit) + "</div>" +
      '<div class="small d-md-none">' + stateBadge(point, "d-sm-none") + " " +
      numbers.format(point.on_time) + " " + escape(labels.on_time) + " · " +
      numbers.format(point.late) + " " + escape(labels.late) +
      '<span class="d-sm-none"> · ' + escape(labels.last_scan) + " " + moment(point.last_scan) +
      "</span></div></td>" +
      '<td class="d-none d-sm-table-cell">' + stateBadge(point) + "</td>" +
      '<td class="text-nowrap"><span data-cell="checked_in">' + numbers.format(point.checked_in) +
      "</span> / " + numbers.format(point.invited) +
      '<div class="progress dashboard-row-bar" aria-hidden="true"><div class="progress-bar bg-success" style="width:' +
      point.percent + '%"></div></div></td>' +
      '<td class="d-none d-md-table-cell text-success">' + numbers.format(point.on_time) + "</td>" +
      '<td class="d-none d-md-table-cell text-warning-emphasis">' + numbers.format(point.late) + "</td>" +
      '<td class="d-none d-sm-table-cell text-nowrap">' + moment(point.last_scan) + "</td></tr>";
  }

  function drawBody(details, group, points) {
    const body = details.querySelector("[data-group-body]");
    if (!details.open) {
      body.innerHTML = "";
      return;
    }
    body.innerHTML = '<div class="table-responsive"><table class="table table-sm table-hover mb-0 dashboard-table">' +
      "<thead><tr><th>" + escape(labels.point) + '</th><th class="d-none d-sm-table-cell">' +
      escape(labels.state) + "</th><th>" + escape(labels.checked_in) +
      '</th><th class="d-none d-md-table-cell">' + escape(labels.on_time_header) +
      '</th><th class="d-none d-md-table-cell">' + escape(labels.late_header) +
      '</th><th class="d-none d-sm-table-cell">' + escape(labels.last_scan) +
      "</th></tr></thead><tbody>" + points.map(rowHtml).join("") + "</tbody></table></div>";
  }

  function drawGroups() {
    const byKey = new Map(data.groups.map((group) => [group.key, group]));
    const searching = filters.query.value.trim() !== "" || filters.state.value !== "";
    let shown = 0;
    const all = root.querySelectorAll("details[data-group]");
    if (firstDraw && (all.length === 1 || data.totals.points <= OPEN_ALL_LIMIT)) {
      all.forEach((details) => { details.open = true; });
    }
    all.forEach((details) => {
      const group = byKey.get(details.dataset.group);
      if (!group) {
        details.hidden = true;
        return;
      }
      setTotals(details.querySelector("summary"), "data-group-total", group.totals);
      details.toggleAttribute("data-problem", group.totals.silent > 0);
      const points = group.points.filter(matches);
      const wanted = !filters.group.value || filters.group.value === group.key;
      details.hidden = !wanted || points.length === 0;
      if (details.hidden) return;
      shown += 1;
      if (firstDraw && group.totals.silent > 0 && data.totals.silent <= AUTO_OPEN_LIMIT) {
        details.open = true;
      }
      if (searching && !details.dataset.userClosed) details.open = true;
      drawBody(details, group, points);
    });
    document.getElementById("dashboard-no-match").hidden = shown > 0 || data.groups.length === 0;
  }

  function drawChart() {
    const canvas = document.getElementById("timeline-chart");
    document.getElementById("timeline-empty").hidden = data.timeline.length > 0;
    // An empty chart is only axes: the sentence says it better until the first check-in.
    document.getElementById("timeline-chart-box").hidden = data.timeline.length === 0;
    if (typeof Chart === "undefined") return;
    const chartLabels = data.timeline.map((bucket) => time(bucket.starts_at));
    const perInterval = data.timeline.map((bucket) => bucket.count);
    const cumulative = data.timeline.map((bucket) => bucket.cumulative);
    if (chart) {
      chart.data.labels = chartLabels;
      chart.data.datasets[0].data = perInterval;
      chart.data.datasets[1].data = cumulative;
      chart.update("none");
      canvas.dataset.points = String(data.timeline.length);
      return;
    }
    // On a phone the axis titles would be cut off; the legend below names both series.
    const wide = window.matchMedia("(min-width: 576px)").matches;
    chart = new Chart(canvas, {
      data: {
        labels: chartLabels,
        datasets: [
          { type: "bar", label: labels.per_interval, data: perInterval, yAxisID: "y",
            backgroundColor: "rgba(13, 110, 253, 0.55)" },
          { type: "line", label: labels.cumulative, data: cumulative, yAxisID: "y1",
            borderColor: "#198754", backgroundColor: "#198754", tension: 0.2, pointRadius: 2 },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: { beginAtZero: true, position: "left", ticks: { precision: 0 },
            title: { display: wide, text: labels.per_interval } },
          y1: { beginAtZero: true, position: "right", ticks: { precision: 0 },
            grid: { drawOnChartArea: false },
            title: { display: wide, text: labels.cumulative } },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
    canvas.dataset.points = String(data.timeline.length);
  }

  function draw() {
    drawTotals();
    drawSilent();
    drawGroups();
    drawChart();
    firstDraw = false;
  }

  function showUpdated(state) {
    const el = document.getElementById("dashboard-updated");
    el.dataset.state = state;
    el.dataset.polls = String(polls);
    el.textContent = state === "offline" ? labels.offline : labels.updated + " " + time(data.now, true);
  }

  async function refresh() {
    try {
      const response = await fetch(root.dataset.url, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      data = await response.json();
      polls += 1;
      draw();
      showUpdated("live");
    } catch (error) {
      showUpdated("offline");
    }
  }

  function schedule() {
    clearTimeout(timer);
    if (document.hidden) return;
    timer = setTimeout(async () => {
      await refresh();
      schedule();
    }, every);
  }

  root.querySelectorAll("details[data-group]").forEach((details) => {
    details.addEventListener("toggle", () => {
      if (details.open) delete details.dataset.userClosed;
      else details.dataset.userClosed = "1";
      const group = data.groups.find((g) => g.key === details.dataset.group);
      if (group) drawBody(details, group, group.points.filter(matches));
    });
  });
  Object.values(filters).forEach((input) => input.addEventListener("input", drawGroups));
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) clearTimeout(timer);
    else refresh().then(schedule);
  });

  draw();
  schedule();
})();
