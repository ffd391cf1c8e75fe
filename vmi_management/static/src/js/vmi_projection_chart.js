/** @odoo-module **/
/* Draws the portal's projected stock chart of one VMI line: the stock expected at the end of each coming day
 * against min and max, with what arrives as bars. Chart.js is loaded on demand, as Odoo's own charts do, so
 * the rest of the portal does not carry it. The data and series names come from the canvas' data attribute.
 */
import publicWidget from "@web/legacy/js/public/public_widget";
import { loadBundle } from "@web/core/assets";

publicWidget.registry.VmiProjectionChart = publicWidget.Widget.extend({
    selector: "canvas.o_vmi_projection_chart",

    async start() {
        // _super is bound for the synchronous part of a method only: called before the first await
        const started = this._super(...arguments);
        await loadBundle("web.chartjs_lib");
        const data = JSON.parse(this.el.dataset.projection);
        const names = data.names;
        this.chart = new window.Chart(this.el, {
            data: {
                labels: data.labels,
                datasets: [
                    {type: "line", label: names.end, data: data.end, borderColor: "#2f6f8f",
                     backgroundColor: "rgba(47, 111, 143, 0.15)", fill: true, pointRadius: 2, tension: 0.2},
                    {type: "line", label: names.min, data: data.min, borderColor: "#d9534f", borderDash: [6, 4],
                     pointRadius: 0, fill: false},
                    {type: "line", label: names.max, data: data.max, borderColor: "#5cb85c", borderDash: [6, 4],
                     pointRadius: 0, fill: false},
                    {type: "bar", label: names.incoming, data: data.incoming, backgroundColor: "#f4c95d"},
                ],
            },
            options: {
                responsive: true,
                maintainAspectRatio: false,
                interaction: {mode: "index", intersect: false},
                scales: {x: {ticks: {maxTicksLimit: 10}}, y: {beginAtZero: true}},
                plugins: {
                    tooltip: {
                        callbacks: {
                            // what moves the stock that day: events and receipts, under the figures
                            footer: (items) => (items.length && data.events[items[0].dataIndex]) || "",
                        },
                    },
                },
            },
        });
        return started;
    },

    destroy() {
        if (this.chart) {
            this.chart.destroy();
        }
        this._super(...arguments);
    },
});
