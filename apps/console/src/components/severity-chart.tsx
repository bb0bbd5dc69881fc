import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
const COLOURS: Record<(typeof SEVERITIES)[number], string> = {
  LOW: '#6b8fb5',
  MEDIUM: '#d9a400',
  HIGH: '#d9622b',
  CRITICAL: '#b3261e',
};

/** counts[eventType][severity] */
export type SeverityCounts = Record<string, Record<string, number>>;

/**
 * Security events by type, stacked by severity (Chart.js on a canvas). The same figures are
 * in the table beside it, for keyboards and screen readers.
 */
export function SeverityChart({ counts }: { counts: SeverityCounts }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const types = Object.keys(counts).sort();
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: types,
        datasets: SEVERITIES.map((severity) => ({
          label: severity,
          data: types.map((type) => counts[type][severity] ?? 0),
          backgroundColor: COLOURS[severity],
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
    return () => chart.destroy();
  }, [counts]);
  return (
    <div className="chart">
      <canvas
        ref={canvas}
        role="img"
        aria-label="Security events of the last 24 hours by type and severity"
      />
    </div>
  );
}
