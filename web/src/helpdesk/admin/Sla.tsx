import { Plus } from 'lucide-react';
import { useState } from 'react';
import { Button, Card, ErrorMessage, FormField, Input, Skeleton, toast } from '@/ui';
import { RecordTable } from './RecordTable';
import { useOptions, useRows, useSave } from './queries';
import { DAYS, formatDay, parseDay, type Day, type Schedule } from './schedule';

const PRIORITIES = [
  { value: 'low', label: 'Low' }, { value: 'normal', label: 'Normal' }, { value: 'high', label: 'High' }, { value: 'urgent', label: 'Urgent' },
];
const DAY_LABEL: Record<Day, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };

/** SLA targets per priority, the business hours they count in, and the holidays they skip. */
export default function Sla() {
  const hours = useOptions('business_hours');
  return (
    <div className="grid gap-8">
      <RecordTable table="sla_policies" title="SLA policies" singular="SLA policy" order="priority" fields={[
        { name: 'priority', label: 'Priority', type: 'select', options: PRIORITIES, required: true },
        { name: 'first_response_minutes', label: 'First response (minutes)', type: 'number', required: true },
        { name: 'resolution_minutes', label: 'Resolution (minutes)', type: 'number', required: true },
        { name: 'business_hours_id', label: 'Business hours', type: 'select', options: hours, hint: 'None: the clock runs around the clock' },
      ]} />
      <BusinessHours />
      <RecordTable table="holidays" title="Holidays" singular="holiday" order="day" fields={[
        { name: 'day', label: 'Day', type: 'date', required: true }, { name: 'name', label: 'Name' },
        { name: 'business_hours_id', label: 'Business hours', type: 'select', options: hours, required: true },
      ]} />
    </div>
  );
}

interface Hours { id: string; name: string; timezone: string; schedule: Schedule }

function BusinessHours() {
  const rows = useRows<Hours>('business_hours', 'id, name, timezone, schedule');
  const [adding, setAdding] = useState(false);
  return (
    <section aria-label="Business hours" className="grid gap-3">
      <div className="flex items-center justify-between">
        <h2 className="text-lg font-semibold">Business hours</h2>
        <Button size="sm" onClick={() => setAdding(true)}><Plus aria-hidden className="h-4 w-4" />Add business hours</Button>
      </div>
      {rows.error ? <ErrorMessage error={rows.error} /> : rows.isLoading ? <Skeleton className="h-40" /> : (
        <div className="grid gap-3 xl:grid-cols-2">
          {adding && <HoursForm hours={{ id: '', name: '', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone, schedule: Object.fromEntries(DAYS.slice(0, 5).map((d) => [d, [['09:00', '17:00']]])) }} onDone={() => setAdding(false)} />}
          {(rows.data ?? []).map((h) => <HoursForm key={h.id} hours={h} />)}
          {!adding && !rows.data?.length && <p className="text-sm text-muted-foreground">No business hours yet: SLA clocks run around the clock.</p>}
        </div>
      )}
    </section>
  );
}

function HoursForm({ hours, onDone }: { hours: Hours; onDone?: () => void }) {
  const save = useSave('business_hours');
  const [name, setName] = useState(hours.name);
  const [timezone, setTimezone] = useState(hours.timezone);
  const [days, setDays] = useState<Record<Day, string>>(() => Object.fromEntries(DAYS.map((d) => [d, formatDay(hours.schedule?.[d])])) as Record<Day, string>);
  const [errors, setErrors] = useState<Partial<Record<Day | 'name' | 'timezone', string>>>({});
  async function submit() {
    const problems: typeof errors = {};
    const schedule: Schedule = {};
    for (const d of DAYS) {
      try { const r = parseDay(days[d]); if (r.length) schedule[d] = r; } catch (e) { problems[d] = (e as Error).message; }
    }
    if (!name.trim()) problems.name = 'Name is required';
    try { Intl.DateTimeFormat(undefined, { timeZone: timezone }); } catch { problems.timezone = 'Not a known time zone (e.g. Africa/Johannesburg)'; }
    setErrors(problems);
    if (Object.keys(problems).length) return;
    await save.mutateAsync({ id: hours.id || undefined, values: { name: name.trim(), timezone, schedule } });
    toast.success('Business hours saved');
    onDone?.();
  }
  return (
    <Card className="p-4">
      <form className="grid gap-3" aria-label={`Business hours ${hours.name || 'new'}`} onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <div className="grid gap-3 sm:grid-cols-2">
          <FormField label="Name" error={errors.name}><Input value={name} onChange={(e) => setName(e.target.value)} /></FormField>
          <FormField label="Time zone" error={errors.timezone}><Input value={timezone} onChange={(e) => setTimezone(e.target.value)} /></FormField>
        </div>
        <div className="grid gap-2 sm:grid-cols-2">
          {DAYS.map((d) => (
            <FormField key={d} label={DAY_LABEL[d]} error={errors[d]}>
              <Input value={days[d]} placeholder="Closed" onChange={(e) => setDays({ ...days, [d]: e.target.value })} />
            </FormField>
          ))}
        </div>
        <div className="flex gap-2">
          <Button type="submit" loading={save.isPending}>Save business hours</Button>
          {onDone && <Button type="button" variant="ghost" onClick={onDone}>Cancel</Button>}
        </div>
      </form>
    </Card>
  );
}
