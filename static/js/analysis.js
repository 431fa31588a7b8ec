// Charts of the volume and hotspot pages with the vendored ECharts. Every bar, point and sparkline
// opens the cases behind it: the links are computed by the server and carried in the JSON.
(function () {
  if (!window.echarts) return;
  var charts = [];
  var font = { fontFamily: getComputedStyle(document.body).fontFamily };
  var BLUE = "#1f5fa8", GREY = "#a0a8b8";

  function make(el, option, onClick) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    if (onClick) chart.on("click", onClick);
    charts.push(chart);
    return chart;
  }
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var volume = read("analysis-data");
  if (volume) {
    var t = volume.trend, labels = volume.labels;
    var trendEl = document.getElementById("chart-trend");
    if (trendEl) {
      // The two periods share the axis day by day; the tooltip names both dates.
      make(trendEl, {
        textStyle: font, legend: { top: 0 }, grid: { left: 40, right: 16, top: 30, bottom: 40 },
        tooltip: {
          trigger: "axis",
          formatter: function (items) {
            return items.map(function (p) {
              var days = p.seriesIndex === 0 ? t.current.x : t.previous.x;
              return p.marker + days[p.dataIndex] + " " + p.seriesName + ": " + p.value + " " + labels.cases;
            }).join("<br>");
          }
        },
        xAxis: { type: "category", data: t.current.x, axisLabel: { formatter: function (v) { return v.slice(5); } } },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: labels.current, type: "line", data: t.current.y, itemStyle: { color: BLUE }, symbolSize: 6 },
          { name: labels.previous, type: "line", data: t.previous.y, itemStyle: { color: GREY },
            lineStyle: { type: "dashed" }, symbolSize: 6 }
        ]
      }, function (p) {
        var days = p.seriesIndex === 0 ? t.current.x : t.previous.x;
        window.location.href = t.drill[p.seriesIndex] + "&value=" + encodeURIComponent(days[p.dataIndex]);
      });
    }
    volume.compare.forEach(function (c) {
      var el = document.getElementById(c.id);
      if (!el || !c.names.length) return;
      make(el, {
        textStyle: font, legend: { top: 0 }, tooltip: { trigger: "axis" },
        grid: { left: 110, right: 16, top: 30, bottom: 24 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: c.names, inverse: true, axisLabel: { width: 100, overflow: "truncate" } },
        series: [
          { name: labels.current, type: "bar", data: c.current, itemStyle: { color: BLUE }, barMaxWidth: 14 },
          { name: labels.previous, type: "bar", data: c.previous, itemStyle: { color: GREY }, barMaxWidth: 14 }
        ]
      }, function (p) { window.location.href = c.links[p.seriesIndex][p.dataIndex]; });
    });
  }

  var sparks = read("spark-data");
  if (sparks) {
    Object.keys(sparks.lines).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el) return;
      var line = sparks.lines[id];
      // The previous period grey, this period blue: two series joined where this period starts.
      var before = line.y.map(function (v, i) { return i < sparks.split ? v : null; });
      var after = line.y.map(function (v, i) { return i >= sparks.split - 1 ? v : null; });
      var style = function (color) {
        return { type: "line", symbol: "none", connectNulls: false, lineStyle: { width: 1.5, color: color },
                 itemStyle: { color: color }, areaStyle: { color: color, opacity: 0.15 } };
      };
      make(el, {
        animation: false, grid: { left: 2, right: 2, top: 4, bottom: 4 },
        tooltip: { trigger: "axis", confine: true, formatter: function (items) {
          var i = items[0].dataIndex;
          return sparks.days[i] + " " + (i < sparks.split ? sparks.labels.previous : sparks.labels.current) +
            ": " + line.y[i];
        } },
        xAxis: { type: "category", data: sparks.days, show: false, boundaryGap: false },
        yAxis: { type: "value", show: false, min: 0 },
        series: [Object.assign(style(GREY), { data: before }), Object.assign(style(BLUE), { data: after })]
      });
      el.addEventListener("click", function () { window.location.href = line.drill; });
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
