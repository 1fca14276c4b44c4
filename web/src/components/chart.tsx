/**
 * Bars of money per group with the disbursement rate as a line, drawn by Chart.js (bundled; only the parts used
 * are registered). The chart is a picture of the table beside it, which stays the accessible, exact version.
 */
import { useEffect, useRef } from 'react';
import type { Chart as ChartType } from 'chart.js';

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly number[];
  readonly color: string;
}

export interface MoneyChartProps {
  readonly labels: readonly string[];
  readonly bars: readonly ChartSeries[];
  readonly rate?: ChartSeries;
  readonly moneyAxis: string;
  readonly rateAxis: string;
  /** What the chart shows, for screen readers. */
  readonly description: string;
  /** Formats a tick or tooltip value of the money axis the Vietnamese way. */
  readonly formatMoney: (value: number) => string;
}

/** Chart.js loads with the first chart, so the other pages start without it. */
const loadChart = () => import('./chart-setup');

export function MoneyChart(props: MoneyChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<ChartType | null>(null);
  useEffect(() => {
    let cancelled = false;
    void loadChart().then(({ Chart }) => {
      if (cancelled || !canvas.current) return;
      chart.current?.destroy();
      const percent = (v: number) => `${v.toLocaleString('vi-VN', { maximumFractionDigits: 2 })} %`;
      chart.current = new Chart(canvas.current, {
        type: 'bar',
        data: {
          labels: [...props.labels],
          datasets: [
            ...props.bars.map((s) => ({ type: 'bar' as const, label: s.label, data: [...s.values], backgroundColor: s.color, yAxisID: 'money', order: 2 })),
            ...(props.rate
              ? [
                  {
                    type: 'line' as const,
                    label: props.rate.label,
                    data: [...props.rate.values],
                    borderColor: props.rate.color,
                    backgroundColor: props.rate.color,
                    yAxisID: 'rate',
                    order: 1,
                  },
                ]
              : []),
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: 'index', intersect: false },
          plugins: {
            legend: { position: 'bottom' },
            tooltip: {
              callbacks: {
                label: (item) => `${item.dataset.label}: ${item.dataset.yAxisID === 'rate' ? percent(Number(item.raw)) : props.formatMoney(Number(item.raw))}`,
              },
            },
          },
          scales: {
            money: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: props.moneyAxis }, ticks: { callback: (v) => props.formatMoney(Number(v)) } },
            rate: { type: 'linear', position: 'right', beginAtZero: true, suggestedMax: 100, grid: { drawOnChartArea: false }, title: { display: true, text: props.rateAxis }, ticks: { callback: (v) => percent(Number(v)) } },
          },
        },
      });
    });
    return () => {
      cancelled = true;
    };
  }, [props]);
  useEffect(() => () => chart.current?.destroy(), []);
  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={props.description} />
    </div>
  );
}
