import { Input, Select } from '@/ui';
import { ASSET_STATUSES, STATUS_LABEL } from './model';
import type { AssetFilters as Filters, Reference } from './queries';

/** The asset list's search and filters; every control labelled (the list keeps them in the URL). */
export function AssetFilterBar({ filters, reference, onChange }: {
  filters: Filters; reference: Reference | undefined; onChange: (patch: Partial<Filters>) => void;
}) {
  return (
    <div className="grid gap-2 sm:grid-cols-3 lg:grid-cols-6">
      <Input aria-label="Search assets" placeholder="Search tag, name, serial…" value={filters.q}
        onChange={(e) => onChange({ q: e.target.value })} className="lg:col-span-1" />
      <Select aria-label="Type" value={filters.type} onValueChange={(type) => onChange({ type })} allowNone="Any type"
        options={(reference?.types ?? []).map((t) => ({ value: t, label: t }))} />
      <Select aria-label="Status" value={filters.status} onValueChange={(status) => onChange({ status })} allowNone="Any status"
        options={ASSET_STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))} />
      <Select aria-label="Branch" value={filters.branch} onValueChange={(branch) => onChange({ branch })} allowNone="Any branch"
        options={(reference?.branches ?? []).map((b) => ({ value: b.id, label: b.name }))} />
      <Select aria-label="Assigned to" value={filters.assignee} onValueChange={(assignee) => onChange({ assignee })} allowNone="Anyone"
        options={[{ value: 'none', label: 'Nobody (unassigned)' },
          ...(reference?.members ?? []).map((m) => ({ value: m.user_id, label: m.full_name || m.email || m.user_id }))]} />
      <Select aria-label="Warranty" value={filters.warrantyDays} onValueChange={(warrantyDays) => onChange({ warrantyDays })} allowNone="Any warranty"
        options={[{ value: '30', label: 'Expires within 30 days' }, { value: '90', label: 'Expires within 90 days' },
          { value: '0', label: 'Already expired' }]} />
    </div>
  );
}
