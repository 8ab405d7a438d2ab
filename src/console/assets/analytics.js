// The coordinators' dashboard: draws the funnel chart from the numbers the page already shows in
// its table (#funnel-data); a stage hidden under k is drawn as a gap, never as a number.
(function () {
  var data = document.getElementById('funnel-data');
  var canvas = document.getElementById('funnel-chart');
  if (!data || !canvas || typeof window.Chart === 'undefined') return;
  var rows = JSON.parse(data.textContent || '[]');
  new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map(function (r) { return r.label; }),
      datasets: [{ data: rows.map(function (r) { return r.value; }), backgroundColor: '#2060a0' }],
    },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: false }, tooltip: { enabled: true } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
})();
