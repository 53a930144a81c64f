import { ArrowDown, ArrowUp, ChevronLeft, ChevronRight } from 'lucide-react';
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { Button } from './Button';
import { Checkbox } from './Checkbox';
import { cn } from './cn';
import { Skeleton } from './Skeleton';

export interface Column<Row> {
  id: string;
  header: string;
  cell: (row: Row) => ReactNode;
  sortable?: boolean;
  className?: string;
}
export interface Sort { column: string; ascending: boolean }

/**
 * A server-driven table: the caller owns rows, sort, selection and page (so 100k rows never reach the
 * browser). Rows take focus; ArrowUp/ArrowDown or j/k move it, Enter/o opens, x/Space toggles selection.
 */
export function DataTable<Row>({
  columns, rows, rowId, label, loading, sort, onSortChange, selected, onSelectedChange, onOpen,
  page, pageSize, total, totalApproximate, onPageChange, empty, rowClassName,
}: {
  columns: Column<Row>[]; rows: Row[]; rowId: (row: Row) => string; label: string; loading?: boolean;
  sort?: Sort; onSortChange?: (sort: Sort) => void;
  selected?: Set<string>; onSelectedChange?: (selected: Set<string>) => void; onOpen?: (row: Row) => void;
  page?: number; pageSize?: number; total?: number | null; onPageChange?: (page: number) => void;
  /** The total is an estimate (shown as "about N"): paging then also stops at a short page. */
  totalApproximate?: boolean;
  empty?: ReactNode; rowClassName?: (row: Row) => string | undefined;
}) {
  const body = useRef<HTMLTableSectionElement>(null);
  const selectable = selected !== undefined && onSelectedChange !== undefined;
  const allIds = rows.map(rowId);
  const selectedHere = allIds.filter((id) => selected?.has(id)).length;

  function toggle(id: string) {
    if (!selectable) return;
    const nextSet = new Set(selected);
    if (nextSet.has(id)) nextSet.delete(id); else nextSet.add(id);
    onSelectedChange(nextSet);
  }
  function toggleAll() {
    if (!selectable) return;
    onSelectedChange(selectedHere === allIds.length ? new Set() : new Set(allIds));
  }
  function onKey(event: KeyboardEvent<HTMLTableRowElement>, row: Row, index: number) {
    const rowsEls = body.current?.querySelectorAll<HTMLTableRowElement>('tr[data-row]');
    const move = (to: number) => rowsEls?.[Math.max(0, Math.min(rows.length - 1, to))]?.focus();
    if (event.target !== event.currentTarget) return; // keys typed inside a cell's control
    if (event.key === 'ArrowDown' || event.key === 'j') { event.preventDefault(); move(index + 1); }
    else if (event.key === 'ArrowUp' || event.key === 'k') { event.preventDefault(); move(index - 1); }
    else if ((event.key === 'Enter' || event.key === 'o') && onOpen) { event.preventDefault(); onOpen(row); }
    else if (event.key === 'x' || event.key === ' ') { event.preventDefault(); toggle(rowId(row)); }
  }

  const pages = total != null && pageSize ? Math.max(1, Math.ceil(total / pageSize)) : null;
  return (
    <div className="grid gap-2">
      <div className="overflow-x-auto rounded-md border border-border">
        <table className="w-full border-collapse text-sm" aria-label={label} aria-busy={loading || undefined}>
          <thead className="bg-muted/60 text-left text-xs uppercase tracking-wide text-muted-foreground">
            <tr>
              {selectable && (
                <th className="w-8 px-3 py-2">
                  <Checkbox aria-label="Select all rows on this page"
                    checked={selectedHere === 0 ? false : selectedHere === allIds.length ? true : 'indeterminate'}
                    onCheckedChange={toggleAll} />
                </th>
              )}
              {columns.map((c) => (
                <th key={c.id} scope="col" className={cn('px-3 py-2 font-medium', c.className)}
                  aria-sort={sort?.column === c.id ? (sort.ascending ? 'ascending' : 'descending') : undefined}>
                  {c.sortable && onSortChange ? (
                    <button type="button" className="inline-flex items-center gap-1 uppercase hover:text-foreground"
                      onClick={() => onSortChange({ column: c.id, ascending: sort?.column === c.id ? !sort.ascending : true })}>
                      {c.header}
                      {sort?.column === c.id && (sort.ascending
                        ? <ArrowUp aria-hidden className="h-3 w-3" /> : <ArrowDown aria-hidden className="h-3 w-3" />)}
                    </button>
                  ) : c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody ref={body}>
            {loading && rows.length === 0 && Array.from({ length: 5 }, (_, i) => (
              <tr key={i}><td colSpan={columns.length + (selectable ? 1 : 0)} className="px-3 py-2"><Skeleton className="h-5 w-full" /></td></tr>
            ))}
            {rows.map((row, index) => {
              const id = rowId(row);
              return (
                <tr key={id} data-row tabIndex={0} aria-selected={selectable ? selected.has(id) : undefined}
                  onKeyDown={(e) => onKey(e, row, index)}
                  onClick={(e) => { if (onOpen && !(e.target as HTMLElement).closest('button,a,input,[role=checkbox]')) onOpen(row); }}
                  className={cn('border-t border-border hover:bg-accent/50 focus:bg-accent/60', onOpen && 'cursor-pointer',
                    selectable && selected.has(id) && 'bg-primary/5', rowClassName?.(row))}>
                  {selectable && (
                    <td className="px-3 py-2">
                      <Checkbox aria-label={`Select row ${index + 1}`} checked={selected.has(id)} onCheckedChange={() => toggle(id)} />
                    </td>
                  )}
                  {columns.map((c) => <td key={c.id} className={cn('px-3 py-2 align-middle', c.className)}>{c.cell(row)}</td>)}
                </tr>
              );
            })}
          </tbody>
        </table>
        {!loading && rows.length === 0 && empty}
      </div>
      {onPageChange && page !== undefined && (
        <nav aria-label="Pages" className="flex items-center justify-end gap-2 text-sm text-muted-foreground">
          <span>{total != null
            ? `${totalApproximate ? 'about ' : ''}${total.toLocaleString()} total · page ${page + 1}${pages && !totalApproximate ? ` of ${pages.toLocaleString()}` : ''}`
            : `Page ${page + 1}`}</span>
          <Button variant="outline" size="icon" aria-label="Previous page" disabled={page === 0} onClick={() => onPageChange(page - 1)}>
            <ChevronLeft aria-hidden className="h-4 w-4" />
          </Button>
          <Button variant="outline" size="icon" aria-label="Next page"
            disabled={rows.length < (pageSize ?? 0) || (pages != null && !totalApproximate && page + 1 >= pages)}
            onClick={() => onPageChange(page + 1)}>
            <ChevronRight aria-hidden className="h-4 w-4" />
          </Button>
        </nav>
      )}
    </div>
  );
}
