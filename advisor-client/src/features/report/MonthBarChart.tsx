import { useEffect, useId, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useT } from '../../i18n/useT';

export interface MonthBarChartProps {
  readonly title: string;
  /** `YYYY-MM`, in order. */
  readonly months: readonly string[];
  /** One value per month; null for a hidden (small) group, drawn as a gap. */
  readonly values: readonly (number | null)[];
  readonly colour: string;
  /** The id of the table holding the same figures: the chart's text alternative. */
  readonly tableId: string;
  readonly testId: string;
  /** Numbers of the y axis in the staff member's language. */
  readonly format: (value: number) => string;
}

const HEIGHT = 220;

/**
 * A bar per month, drawn by uPlot on a canvas. The canvas says nothing to assistive technology:
 * the figure's caption names the chart and points to the table with the same figures.
 */
export function MonthBarChart({
  title,
  months,
  values,
  colour,
  tableId,
  testId,
  format,
}: MonthBarChartProps) {
  const t = useT();
  const captionId = useId();
  const plotRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = plotRef.current;
    if (!element || months.length === 0) return;
    const xs = months.map((_, i) => i);
    const options: uPlot.Options = {
      width: Math.max(320, element.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, range: () => [-0.5, months.length - 0.5] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
      },
      axes: [
        {
          splits: () => xs,
          values: (_u, splits) => splits.map((i) => months[i] ?? ''),
          stroke: '#111111',
          grid: { show: false },
        },
        {
          stroke: '#111111',
          grid: { stroke: '#d0d0d0', width: 1 },
          values: (_u, splits) => splits.map(format),
          size: 60,
        },
      ],
      series: [
        {},
        {
          label: title,
          fill: colour,
          stroke: colour,
          paths: uPlot.paths.bars!({ size: [0.6, 48] }),
          points: { show: false },
        },
      ],
    };
    const plot = new uPlot(options, [xs, [...values]], element);
    const resize = () =>
      plot.setSize({ width: Math.max(320, element.clientWidth), height: HEIGHT });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [months, values, colour, title, format]);

  return (
    <figure className="report-chart" data-testid={testId} aria-labelledby={captionId}>
      <figcaption id={captionId}>
        <span className="report-chart__title">{title}</span>{' '}
        <a className="report-chart__alt" href={`#${tableId}`}>
          {t('report.chart.alt')}
        </a>
      </figcaption>
      {months.length === 0 ? (
        <p>{t('report.chart.empty')}</p>
      ) : (
        <div ref={plotRef} className="report-chart__plot" aria-hidden="true" />
      )}
    </figure>
  );
}
