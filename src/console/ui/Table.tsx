import type { ComponentChildren } from 'preact';

/**
 * A column: its header, and what each row shows in it. `rowHeader` makes the cell a `<th scope="row">`
 * (the column that names the row, usually the first).
 */
export interface Column<Row> {
  header: string;
  cell: (row: Row) => ComponentChildren;
  rowHeader?: boolean;
  /** Right-align numbers so they can be compared down the column. */
  numeric?: boolean;
}

/**
 * A data table with a caption (what it lists) and scoped headers. On a narrow screen each row becomes
 * a card whose cells are labelled with their column's header (from `data-label`, in CSS).
 *
 * @example <Table caption={t('users.tableCaption')} rows={users} empty={t('users.none')}
 *                 columns={[{ header: t('users.name'), cell: (u) => u.name, rowHeader: true }, { header: t('users.email'), cell: (u) => u.email }]} />
 */
export function Table<Row>(props: { caption: string; columns: Array<Column<Row>>; rows: readonly Row[]; empty?: string; captionHidden?: boolean }) {
  if (props.rows.length === 0 && props.empty) return <p class="table-empty">{props.empty}</p>;
  return (
    <div class="table-wrap">
      <table class="responsive">
        <caption class={props.captionHidden ? 'visually-hidden' : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col" class={c.numeric ? 'numeric' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              {props.columns.map((c) =>
                c.rowHeader ? (
                  <th scope="row" data-label={c.header}>
                    {c.cell(row)}
                  </th>
                ) : (
                  <td data-label={c.header} class={c.numeric ? 'numeric' : undefined}>
                    {c.cell(row)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
