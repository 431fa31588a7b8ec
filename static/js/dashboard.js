// Draws the dashboard charts with the vendored ECharts; a click opens the cases behind the bar/slice.
(function () {
  var node = document.getElementById("chart-data");
  if (!node || !window.echarts) return;
  var data = JSON.parse(node.textContent);
  var charts = [];
  function go(metric, value) {
    window.location.href = data.drill + "&metric=" + metric + "&value=" + encodeURIComponent(value);
  }
  function make(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    chart.on("click", onClick);
    charts.push(chart);
  }
  var font = { fontFamily: getComputedStyle(document.body).fontFamily };
  make("chart-trend", {
    textStyle: font, tooltip: { trigger: "axis" }, grid: { left: 40, right: 16, top: 16, bottom: 40 },
    xAxis: { type: "category", data: data.trend.x, axisLabel: { formatter: function (v) { return v.slice(5); } } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: data.labels.trend, type: "bar", barMaxWidth: 24, data: data.trend.y, itemStyle: { color: "#1f5fa8" } }]
  }, function (p) { go("day", p.name); });
  make("chart-category", {
    textStyle: font, tooltip: { trigger: "item", formatter: "{b}：{c} " + data.labels.cases + "（{d}%）" },
    // Chinese category names wrap inside the chart instead of being cut to "...".
    series: [{ type: "pie", radius: ["28%", "52%"], data: data.category, avoidLabelOverlap: true,
               label: { formatter: "{b}\n{c}", width: 84, overflow: "break", lineHeight: 15 },
               labelLine: { length: 8, length2: 6 } }]
  }, function (p) { go("category", p.data.id); });
  make("chart-unit", {
    textStyle: font, tooltip: { trigger: "axis" }, grid: { left: 110, right: 16, top: 16, bottom: 30 },
    xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: data.unit.x, inverse: true },
    series: [{ name: data.labels.unit, type: "bar", barMaxWidth: 28, data: data.unit.y, itemStyle: { color: "#1f5fa8" } }]
  }, function (p) { go("unit", data.unit.ids[p.dataIndex]); });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
