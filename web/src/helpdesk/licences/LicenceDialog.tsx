import { useForm } from 'react-hook-form';
import { useNavigate } from 'react-router-dom';
import { z } from 'zod';
import { zodResolver } from '@/lib/form';
import { Button, Dialog, ErrorMessage, FormField, Input, Textarea } from '@/ui';
import { isIsoDate } from '../assets/model';
import { useCreateLicence, useSoftware } from './queries';

const date = z.string().trim().refine((s) => s === '' || isIsoDate(s), 'Use a date like 2026-12-31');
const schema = z.object({
  software: z.string().trim().min(1, 'Name the software'),
  name: z.string().trim().min(1, 'Name the licence (e.g. "Microsoft 365 E3 – 2026")'),
  seats: z.coerce.number({ invalid_type_error: 'Enter a number of seats' }).int('Seats are whole numbers').min(0, 'Seats cannot be negative'),
  vendor: z.string().trim(), purchased_on: date, renews_on: date,
  cost: z.string().trim().refine((s) => s === '' || Number.isFinite(Number(s)), 'Enter an amount'),
  notes: z.string(),
});
type Values = z.infer<typeof schema>;

/** A new licence (and its software, when the name is new). */
export function LicenceDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const navigate = useNavigate();
  const software = useSoftware();
  const create = useCreateLicence();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { software: '', name: '', seats: 1, vendor: '', purchased_on: '', renews_on: '', cost: '', notes: '' } });
  const { errors, isSubmitting } = form.formState;
  async function submit(v: Values) {
    const made = await create.mutateAsync({
      software: v.software, name: v.name, seats: v.seats, vendor: v.vendor || null, purchased_on: v.purchased_on || null,
      renews_on: v.renews_on || null, cost: v.cost === '' ? null : Number(v.cost), notes: v.notes || null,
    }).catch(() => null);
    if (!made) return;
    onOpenChange(false); form.reset();
    navigate(`/licences/${made.id}`);
  }
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="New licence">
      <form className="grid gap-3" onSubmit={form.handleSubmit(submit)} noValidate>
        <FormField label="Software" error={errors.software?.message}><Input list="software-names" {...form.register('software')} /></FormField>
        <datalist id="software-names">{(software.data ?? []).map((s) => <option key={s.id} value={s.name} />)}</datalist>
        <FormField label="Licence name" error={errors.name?.message}><Input {...form.register('name')} /></FormField>
        <div className="grid gap-3 sm:grid-cols-2">
          <FormField label="Seats" error={errors.seats?.message}><Input type="number" min={0} {...form.register('seats')} /></FormField>
          <FormField label="Vendor"><Input {...form.register('vendor')} /></FormField>
          <FormField label="Purchased on" error={errors.purchased_on?.message}><Input type="date" {...form.register('purchased_on')} /></FormField>
          <FormField label="Renews on" error={errors.renews_on?.message}><Input type="date" {...form.register('renews_on')} /></FormField>
          <FormField label="Cost" error={errors.cost?.message}><Input inputMode="decimal" {...form.register('cost')} /></FormField>
        </div>
        <FormField label="Notes"><Textarea rows={2} {...form.register('notes')} /></FormField>
        {create.error != null && <ErrorMessage title="Could not add the licence" error={create.error} />}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" loading={isSubmitting}>Add licence</Button>
        </div>
      </form>
    </Dialog>
  );
}
