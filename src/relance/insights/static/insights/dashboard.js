// The dashboard's two charts, drawn from the numbers the tables beside them show.
(function () {
  var data = document.getElementById("dashboard-charts");
  if (!data || typeof Chart === "undefined") { return; }
  var charts = JSON.parse(data.textContent);
  // No animation: a chart printed right after loading must be complete.
  Chart.defaults.animation = false;
  Chart.defaults.font.family = "system-ui, sans-serif";
  var colours = ["#2f855a", "#d69e2e", "#dd6b20", "#c53030", "#742a2a"];
  new Chart(document.getElementById("aging-chart"), {
    type: "bar",
    data: {labels: charts.aging.labels,
           datasets: [{data: charts.aging.values, backgroundColor: colours}]},
    options: {responsive: true, maintainAspectRatio: false,
              plugins: {legend: {display: false}}}
  });
  new Chart(document.getElementById("dso-chart"), {
    type: "line",
    data: {labels: charts.dso.labels,
           datasets: [{data: charts.dso.values, borderColor: "#2b6cb0",
                       backgroundColor: "#2b6cb0", tension: 0.2}]},
    options: {responsive: true, maintainAspectRatio: false,
              plugins: {legend: {display: false}},
              scales: {y: {beginAtZero: true}}}
  });
  // Charts are redrawn at the printed page's width, then back.
  window.addEventListener("beforeprint", function () {
    Object.values(Chart.instances).forEach(function (c) { c.resize(); });
  });
})();
