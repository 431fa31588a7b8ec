// Charts of the weekly notice and the monthly ranking, with the vendored ECharts. A click on a
// unit's bar opens that unit's overdue cases (notice) or scrolls to its row (ranking).
(function () {
  var node = document.getElementById("chart-data");
  if (!node || !window.echarts) return;
  var data = JSON.parse(node.textContent);
  var font = { fontFamily: getComputedStyle(document.body).fontFamily };
  var colors = { open: "#c62828", late: "#b7791f", extended: "#7b1fa2" };
  var charts = [];
  function make(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el) return;
    el.style.height = Math.max(220, 40 + 30 * option.yAxis.data.length) + "px";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    chart.on("click", onClick);
    charts.push(chart);
  }
  make("chart-notice", {
    textStyle: font, tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, legend: { top: 0 },
    grid: { left: 130, right: 24, top: 32, bottom: 24 },
    xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: data.units, inverse: true },
    series: (data.series || []).map(function (s) {
      return { name: s.name, type: "bar", stack: "overdue", barMaxWidth: 24, data: s.data, itemStyle: { color: colors[s.key] } };
    })
  }, function (p) {
    window.location.href = data.drill + "&unit=" + data.ids[p.dataIndex] + "#cases";
  });
  make("chart-ranking", {
    textStyle: font, tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 130, right: 40, top: 16, bottom: 24 },
    xAxis: { type: "value", min: 0, max: 100 }, yAxis: { type: "category", data: data.units, inverse: true },
    series: [{ name: data.label, type: "bar", barMaxWidth: 24, data: data.scores, itemStyle: { color: "#1f5fa8" },
               label: { show: true, position: "right" } }]
  }, function (p) {
    var row = document.getElementById("rank-unit-" + data.ids[p.dataIndex]);
    if (row) row.scrollIntoView({ behavior: "smooth", block: "center" });
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
