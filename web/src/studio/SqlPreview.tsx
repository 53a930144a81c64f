import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Button, Dialog, ErrorMessage, FormField, Textarea, toast } from '@/ui';
import { runSql } from './api';

/**
 * Every change of structure goes through here: the SQL the console wrote is shown (and may be edited)
 * before it runs, so the operator always knows what is about to happen to the database.
 */
export function SqlPreview({ sql, title, open, onOpenChange, onDone, runLabel = 'Run SQL' }: {
  sql: string; title: string; open: boolean; onOpenChange: (open: boolean) => void; onDone?: () => void; runLabel?: string;
}) {
  const [text, setText] = useState(sql);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const client = useQueryClient();
  useEffect(() => { if (open) { setText(sql); setError(null); } }, [open, sql]);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      await runSql(text);
      await client.invalidateQueries({ queryKey: ['pg'] });
      await client.invalidateQueries({ queryKey: ['rows'] });
      toast.success('Done', title);
      onOpenChange(false);
      onDone?.();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={title} description="This SQL will run as the database owner."
      className="max-w-2xl"
      footer={<><Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button><Button loading={busy} onClick={run}>{runLabel}</Button></>}>
      <FormField label="SQL to run">
        <Textarea rows={10} className="font-mono text-xs" spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} />
      </FormField>
      {error != null && <ErrorMessage error={error} title="The SQL failed" />}
    </Dialog>
  );
}
