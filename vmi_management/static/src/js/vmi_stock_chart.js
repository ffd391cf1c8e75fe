/* Draws the portal's stock history chart of one VMI line: on hand against min and max, deliveries as bars.
 *
 * A plain script, loaded by the page after the Chart.js library Odoo ships (web/static/lib/Chart), so the
 * rest of the portal does not carry it. It reads its data and labels from the canvas' data attributes.
 */
(function () {
    "use strict";
    function draw(canvas) {
        const data = JSON.parse(canvas.dataset.series);
        const labels = JSON.parse(canvas.dataset.labels);
        new window.Chart(canvas, {
            data: {
                labels: data.labels,
                datasets: [
                    {type: "line", label: labels.on_hand, data: data.on_hand, borderColor: "#2f6f8f",
                     backgroundColor: "rgba(47, 111, 143, 0.15)", fill: true, spanGaps: true, pointRadius: 2,
                     tension: 0.2},
                    {type: "line", label: labels.min, data: data.min, borderColor: "#d9534f", borderDash: [6, 4],
                     pointRadius: 0, spanGaps: true, fill: false},
                    {type: "line", label: labels.max, data: data.max, borderColor: "#5cb85c", borderDash: [6, 4],
                     pointRadius: 0, spanGaps: true, fill: false},
                    {type: "bar", label: labels.received, data: data.received, backgroundColor: "#f4c95d"},
                ],
            },
            options: {
                responsive: true,
                maintainAspectRatio: false,
                interaction: {mode: "index", intersect: false},
                scales: {x: {ticks: {maxTicksLimit: 10}}, y: {beginAtZero: true}},
            },
        });
    }
    function init() {
        document.querySelectorAll("canvas.o_vmi_stock_chart").forEach(draw);
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
