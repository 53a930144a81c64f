import { ResultGrid } from '../ResultGrid';

export { Button, ConfirmDialog, Dialog } from '@/ui';

export function ResultsList({ title, rows }: { title: string; rows: Record<string, unknown>[] }) {
  return (
    <section className="grid gap-1">
      <h3 className="text-sm font-semibold">{title}</h3>
      {rows.length ? <ResultGrid label={title} rows={rows} /> : <p className="text-sm text-muted-foreground">None.</p>}
    </section>
  );
}
