/** @odoo-module **/
/* Draws the portal's stock history chart of one VMI line: on hand against min and max, deliveries as bars.
 *
 * A public widget of the frontend bundle: Chart.js (the copy Odoo ships in web/static/lib/Chart) is loaded
 * only on a page that has such a chart, so the rest of the portal does not carry it. The widget reads its
 * data and labels from the canvas' data attributes.
 */
import { loadJS } from "@web/core/assets";
import publicWidget from "@web/legacy/js/public/public_widget";

export const CHART_JS = "/web/static/lib/Chart/Chart.js";

publicWidget.registry.VmiStockChart = publicWidget.Widget.extend({
    selector: "canvas.o_vmi_stock_chart",

    async start() {
        await this._super(...arguments);
        await loadJS(CHART_JS);
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
