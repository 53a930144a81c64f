import { X } from 'lucide-react';
import { Button, Input, Label, Select } from '@/ui';
import { EMPTY_FILTERS, PRIORITIES, PRIORITY_LABEL, STATUSES, STATUS_LABEL, type Filters, type Priority, type Status } from './model';
import type { useReference } from './queries';

type RefData = ReturnType<typeof useReference>['data'];

/** The list's filters; each control is labelled so people and tests find it by name. */
export function FilterBar({ filters, onChange, reference, staff }: {
  filters: Filters; onChange: (f: Filters) => void; reference: RefData; staff: boolean;
}) {
  const set = (patch: Partial<Filters>) => onChange({ ...filters, ...patch });
  const active = JSON.stringify({ ...filters, view: EMPTY_FILTERS.view }) !== JSON.stringify(EMPTY_FILTERS);
  return (
    <div className="mb-3 grid grid-cols-2 gap-2 sm:flex sm:flex-wrap sm:items-end">
      <Field label="Search" id="filter-q" wide>
        <Input id="filter-q" type="search" placeholder="Number, title or text" value={filters.q}
          onChange={(e) => set({ q: e.target.value })} />
      </Field>
      <Field label="Status" id="filter-status">
        <Select id="filter-status" aria-label="Status" value={filters.status[0] ?? ''} allowNone="Any status"
          options={STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))}
          onValueChange={(v) => set({ status: v ? [v as Status] : [] })} />
      </Field>
      <Field label="Priority" id="filter-priority">
        <Select id="filter-priority" aria-label="Priority" value={filters.priority[0] ?? ''} allowNone="Any priority"
          options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABEL[p] }))}
          onValueChange={(v) => set({ priority: v ? [v as Priority] : [] })} />
      </Field>
      {staff && (
        <Field label="Assignee" id="filter-assignee">
          <Select id="filter-assignee" aria-label="Assignee" value={filters.assignee} allowNone="Anyone"
            options={[{ value: 'me', label: 'Me' }, { value: 'none', label: 'Unassigned' },
              ...(reference?.staff ?? []).map((m) => ({ value: m.user_id, label: m.full_name || m.email || m.user_id }))]}
            onValueChange={(v) => set({ assignee: v })} />
        </Field>
      )}
      {staff && (reference?.teams.length ?? 0) > 0 && (
        <Field label="Team" id="filter-team">
          <Select id="filter-team" aria-label="Team" value={filters.team} allowNone="Any team"
            options={(reference?.teams ?? []).map((t) => ({ value: t.id, label: t.name }))} onValueChange={(v) => set({ team: v })} />
        </Field>
      )}
      {staff && (reference?.branches.length ?? 0) > 0 && (
        <Field label="Branch" id="filter-branch">
          <Select id="filter-branch" aria-label="Branch" value={filters.branch} allowNone="Any branch"
            options={(reference?.branches ?? []).map((t) => ({ value: t.id, label: t.name }))} onValueChange={(v) => set({ branch: v })} />
        </Field>
      )}
      {(reference?.categories.length ?? 0) > 0 && (
        <Field label="Category" id="filter-category">
          <Select id="filter-category" aria-label="Category" value={filters.category} allowNone="Any category"
            options={(reference?.categories ?? []).map((c) => ({ value: c.name, label: c.name }))} onValueChange={(v) => set({ category: v })} />
        </Field>
      )}
      <Field label="Created from" id="filter-created-from">
        <Input id="filter-created-from" type="date" value={filters.createdFrom} onChange={(e) => set({ createdFrom: e.target.value })} />
      </Field>
      <Field label="Created to" id="filter-created-to">
        <Input id="filter-created-to" type="date" value={filters.createdTo} onChange={(e) => set({ createdTo: e.target.value })} />
      </Field>
      <Field label="Updated from" id="filter-updated-from">
        <Input id="filter-updated-from" type="date" value={filters.updatedFrom} onChange={(e) => set({ updatedFrom: e.target.value })} />
      </Field>
      {active && (
        <Button variant="ghost" size="sm" onClick={() => onChange({ ...EMPTY_FILTERS, view: filters.view })}>
          <X aria-hidden className="h-4 w-4" />Clear filters
        </Button>
      )}
    </div>
  );
}

function Field({ label, id, children, wide }: { label: string; id: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? 'col-span-2 grid gap-1 sm:w-64' : 'grid gap-1 sm:w-40'}>
      <Label htmlFor={id} className="text-xs text-muted-foreground">{label}</Label>
      {children}
    </div>
  );
}
