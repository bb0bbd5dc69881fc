import type { ReactNode } from 'react';

/** A column whose header is read by screen readers only (a row's buttons). */
export const ACTIONS = { hidden: 'Actions' } as const;

type Column = string | typeof ACTIONS;

/** A table that scrolls sideways on a narrow screen: its column headers, then its rows. */
export function DataTable({ columns, children }: { columns: Column[]; children: ReactNode }) {
  return (
    <div className="scroll">
      <table>
        <thead>
          <tr>
            {columns.map((c) =>
              typeof c === 'string' ? (
                <th key={c}>{c}</th>
              ) : (
                <th key={c.hidden}>
                  <span className="sr-only">{c.hidden}</span>
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
