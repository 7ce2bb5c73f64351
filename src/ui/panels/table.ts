import type { UiState } from '../state.js';
import { fitLine, line, padLine, plainText, seg, type Line, type Size } from '../text.js';

export interface TableRow {
  readonly key: string;
  readonly line: Line;
}

export interface TableView {
  /** The column header, then the rows on screen, each cut to the width. */
  readonly lines: Line[];
  /** Rows the table shows at once (its height minus the column header). */
  readonly pageSize: number;
  /** ` 21–40 of 95` when the rows do not all fit, else empty: for the panel's title. */
  readonly scroll: string;
}

/**
 * A selectable table as attach draws its threads (and top its groups): the column header,
 * then the rows from `ui.scrollTop`. One column marks the selected row with `▶`, so it shows
 * without colour or inverse video too; the row is also drawn inverse.
 */
export function tableView<T>(header: Line, rows: readonly T[], format: (row: T) => TableRow, ui: Pick<UiState, 'scrollTop' | 'selectedKey'>, size: Size, empty: Line): TableView {
  const pageSize = Math.max(1, size.height - 1);
  const lines: Line[] = [line(' ', ...header)];
  // Only the rows on screen are formatted (attach may list thousands of threads).
  for (const row of rows.slice(ui.scrollTop, ui.scrollTop + pageSize).map(format)) {
    lines.push(row.key === ui.selectedKey ? [seg(plainText(padLine(line('▶', ...row.line), size.width)), 'selected')] : line(' ', ...row.line));
  }
  if (rows.length === 0) lines.push(empty);
  const scroll = rows.length > pageSize ? ` ${ui.scrollTop + 1}–${Math.min(rows.length, ui.scrollTop + pageSize)} of ${rows.length}` : '';
  return { lines: lines.map((l) => fitLine(l, size.width)), pageSize, scroll };
}
