export interface SparklineProps {
  readonly values: readonly (number | null)[];
  /** Read by assistive technology (and shown as a tooltip) instead of the drawing. */
  readonly summary: string;
  readonly width?: number;
  readonly height?: number;
  readonly testId?: string;
}

/** A tiny dependency-free line chart; the drawing is decorative, the summary carries the meaning. */
export function Sparkline({ values, summary, width = 120, height = 28, testId }: SparklineProps) {
  const known = values.filter((v): v is number => v !== null);
  const max = Math.max(1, ...known);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values
    .map((v, i) =>
      v === null
        ? null
        : `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`,
    )
    .filter((p): p is string => p !== null)
    .join(' ');
  return (
    <figure className="sparkline" data-testid={testId}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        aria-hidden="true"
        focusable="false"
      >
        <title>{summary}</title>
        <line x1="0" y1={height - 1} x2={width} y2={height - 1} className="sparkline__axis" />
        {points ? <polyline points={points} className="sparkline__line" fill="none" /> : null}
      </svg>
      <figcaption className="visually-hidden">{summary}</figcaption>
    </figure>
  );
}
