/** @odoo-module **/
/* Draws the portal's stock history chart of one VMI line: on hand against min and max, deliveries as bars.
 *
 * A public widget of the frontend bundle: Chart.js (Odoo's own `web.chartjs_lib` bundle) is loaded only
 * on a page that has such a chart, so the rest of the portal does not carry it; every chart of the page
 * loads that same bundle, so they share one Chart.js. The widget reads its data and labels from the
 * canvas' data attributes.
 */
import { loadBundle } from "@web/core/assets";
import publicWidget from "@web/legacy/js/public/public_widget";

publicWidget.registry.VmiStockChart = publicWidget.Widget.extend({
    selector: "canvas.o_vmi_stock_chart",

    async start() {
        await this._super(...arguments);
        await loadBundle("web.chartjs_lib");
        const data = JSON.parse(this.el.dataset.series);
        const labels = JSON.parse(this.el.dataset.labels);
        this.chart = new window.Chart(this.el, {
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
    },

    destroy() {
        this.chart?.destroy();
        this._super(...arguments);
    },
});
