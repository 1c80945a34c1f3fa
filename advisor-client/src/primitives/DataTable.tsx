import type { ReactNode } from 'react';

export interface DataTableProps {
  /** The column headings, in order (each becomes a `<th scope="col">`). */
  readonly columns: readonly ReactNode[];
  /** Extra classes beside `table`. */
  readonly className?: string;
  readonly caption?: ReactNode;
  /** Shown as the only row, across every column, when given (the table has no rows). */
  readonly empty?: ReactNode;
  /**
   * A wide table scrolls on its own: the scroll area is then a labelled, focusable region, so
   * that keyboard users can scroll it too.
   */
  readonly scroll?: { readonly labelledBy: string } | 'plain';
  /** The rows. */
  readonly children?: ReactNode;
}

/** The staff app's data table: headings, rows, an empty line, and an optional scroll area. */
export function DataTable({
  columns,
  className,
  caption,
  empty,
  scroll,
  children,
}: DataTableProps) {
  const table = (
    <table className={className ? `table ${className}` : 'table'}>
      {caption ? <caption>{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((heading, i) => (
            <th scope="col" key={i}>
              {heading}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {empty ? (
          <tr>
            <td colSpan={columns.length}>{empty}</td>
          </tr>
        ) : null}
        {children}
      </tbody>
    </table>
  );
  if (!scroll) return table;
  if (scroll === 'plain') return <div className="table-scroll">{table}</div>;
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-labelledby={scroll.labelledBy}>
      {table}
    </div>
  );
}
