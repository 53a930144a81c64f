import { Play, Save, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Button, Card, ConfirmDialog, FormField, Input, PageHeader, Tabs, TabsContent, TabsList, TabsTrigger, Textarea } from '@/ui';
import { ApiError, runSql } from '../api';
import { ResultGrid } from '../ResultGrid';
import { useSession } from '../session';
import { destructive } from '../sql';
import { useStored } from './stored';

interface Outcome { rows: Record<string, unknown>[]; ms: number; explain?: boolean }
interface Failure { message: string; formatted?: string; position?: number }

/** Run SQL as the database owner: results in a grid, EXPLAIN, errors with their position, history and
 * snippets kept in this browser, a question before anything destructive, a statement timeout. */
export default function SqlEditorPage() {
  const { settings } = useSession();
  const [sql, setSql] = useState('select now();');
  const [timeout, setTimeoutSeconds] = useState(String(Math.min(30, settings.statement_timeout_seconds)));
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [history, setHistory] = useStored<string[]>('oricol-studio-sql-history', []);
  const [snippets, setSnippets] = useStored<{ name: string; sql: string }[]>('oricol-studio-sql-snippets', []);

  async function execute(text: string, explain = false) {
    setBusy(true);
    setFailure(null);
    const started = performance.now();
    const seconds = Math.max(1, Number(timeout) || 30);
    const script = `set statement_timeout = '${seconds}s';\n${explain ? `explain (analyze false, format text) ${text.trim().replace(/;+\s*$/, '')}` : text}`;
    try {
      const rows = await runSql(script);
      setOutcome({ rows, ms: Math.round(performance.now() - started), explain });
      if (!explain) setHistory([text, ...history.filter((h) => h !== text)].slice(0, 50));
    } catch (error) {
      const body = error instanceof ApiError ? error.body : {};
      const offset = script.length - (explain ? 0 : text.length);
      const position = Number(body.position);
      setFailure({
        message: error instanceof Error ? error.message : String(error),
        formatted: typeof body.formattedError === 'string' ? body.formattedError : undefined,
        position: Number.isFinite(position) && !explain ? position - offset : undefined,
      });
      setOutcome(null);
    } finally {
      setBusy(false);
    }
  }

  function run() {
    const why = destructive(sql);
    if (why) setConfirming(why); else void execute(sql);
  }

  return (
    <div className="grid gap-4">
      <PageHeader title="SQL editor" actions={<>
        <Button variant="outline" onClick={() => void execute(sql, true)} disabled={busy}>Explain</Button>
        <Button onClick={run} loading={busy}><Play aria-hidden className="h-4 w-4" />Run</Button>
      </>} />
      <div className="grid gap-4 xl:grid-cols-[1fr_18rem]">
        <div className="grid gap-3">
          <FormField label="SQL" hint="Ctrl+Enter runs. Runs as the database owner, bypassing RLS.">
            <Textarea className="min-h-[200px] font-mono text-sm" spellCheck={false} value={sql} onChange={(e) => setSql(e.target.value)}
              onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } }} />
          </FormField>
          <div className="w-40"><FormField label="Statement timeout (s)"><Input type="number" min={1} value={timeout} onChange={(e) => setTimeoutSeconds(e.target.value)} /></FormField></div>
          {failure && (
            <div role="alert" className="rounded-md border border-destructive p-3 text-sm">
              <p className="font-medium text-destructive">{failure.message}</p>
              {failure.position !== undefined && failure.position > 0 && <p className="mt-1">At character {failure.position} of your SQL.</p>}
              {failure.formatted && <pre className="mt-2 overflow-x-auto whitespace-pre-wrap font-mono text-xs">{failure.formatted}</pre>}
            </div>
          )}
          {outcome && (
            <section aria-label="Results" className="grid gap-2">
              <p className="text-sm text-muted-foreground">{outcome.rows.length} row(s) in {outcome.ms} ms{outcome.explain ? ' (plan)' : ''}</p>
              {outcome.rows.length > 0 && <ResultGrid label="Query results" rows={outcome.rows} />}
            </section>
          )}
        </div>
        <Card className="p-3">
          <Tabs defaultValue="history">
            <TabsList><TabsTrigger value="history">History</TabsTrigger><TabsTrigger value="snippets">Snippets</TabsTrigger></TabsList>
            <TabsContent value="history">
              <ul className="grid max-h-96 gap-1 overflow-auto">
                {history.map((h, i) => (
                  <li key={i}><button type="button" className="w-full truncate rounded px-2 py-1 text-left font-mono text-xs hover:bg-accent" onClick={() => setSql(h)}>{h}</button></li>
                ))}
                {history.length === 0 && <li className="text-sm text-muted-foreground">Queries you run appear here.</li>}
              </ul>
            </TabsContent>
            <TabsContent value="snippets">
              <Button variant="outline" size="sm" onClick={() => {
                const name = window.prompt('Name this snippet');
                if (name) setSnippets([{ name, sql }, ...snippets.filter((s) => s.name !== name)]);
              }}><Save aria-hidden className="h-4 w-4" />Save current SQL</Button>
              <ul className="mt-2 grid gap-1">
                {snippets.map((s) => (
                  <li key={s.name} className="flex items-center gap-1">
                    <button type="button" className="flex-1 truncate rounded px-2 py-1 text-left text-sm hover:bg-accent" onClick={() => setSql(s.sql)}>{s.name}</button>
                    <Button variant="ghost" size="icon" aria-label={`Delete snippet ${s.name}`} onClick={() => setSnippets(snippets.filter((o) => o.name !== s.name))}>
                      <Trash2 aria-hidden className="h-4 w-4" />
                    </Button>
                  </li>
                ))}
              </ul>
            </TabsContent>
          </Tabs>
        </Card>
      </div>
      <ConfirmDialog open={confirming !== null} onOpenChange={(o) => { if (!o) setConfirming(null); }} destructive
        title="Run a destructive statement?" description={`This SQL ${confirming}. It cannot be undone.`} confirmLabel="Run anyway"
        onConfirm={() => execute(sql)} />
    </div>
  );
}
