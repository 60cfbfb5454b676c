/* The command dashboard's charts: each container names its ECharts option in the page's
   JSON; a click on a bar, point or funnel stage opens the list it counts. SVG rendering, so a
   printed page is sharp; the charts are laid out again for print and back. */
(function () {
  "use strict";
  var options = JSON.parse(document.getElementById("chart-options").textContent);
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var option = options[element.getAttribute("data-chart")];
    if (!option) { return; }
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.href = params.data.url; }
    });
    element.setAttribute("aria-label", option.title && option.title.text || "");
    charts.push(chart);
  });
  // The print layout's chart size (92 mm × 62 mm at 96 px an inch, dashboard.css): the
  // printed page is laid out at the paper's width, so the charts are drawn at that size
  // before printing rather than at the size of their containers on screen.
  var PRINT = { width: 347, height: 234 };
  function resize() { charts.forEach(function (chart) { chart.resize(); }); }
  function printing(isPrint) {
    charts.forEach(function (chart) { chart.resize(isPrint ? PRINT : undefined); });
  }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", function () { printing(true); });
  window.addEventListener("afterprint", function () { printing(false); });
  if (window.matchMedia) {
    window.matchMedia("print").addEventListener("change", function (query) {
      printing(query.matches);
    });
  }
})();
