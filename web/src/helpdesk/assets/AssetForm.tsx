import { Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { useNavigate, useParams } from 'react-router-dom';
import { z } from 'zod';
import { zodResolver } from '@/lib/form';
import { Button, Card, ErrorMessage, FormField, Input, PageHeader, Select, Skeleton, Textarea, toast } from '@/ui';
import { ASSET_STATUSES, isIsoDate, STATUS_LABEL, type AssetStatus } from './model';
import { useAsset, useAssetReference, useSaveAsset, type AssetRow } from './queries';

const date = z.string().trim().refine((s) => s === '' || isIsoDate(s), 'Use a date like 2026-12-31');
const schema = z.object({
  tag: z.string().trim().min(1, 'Give the asset a tag').max(64, 'Keep the tag under 64 characters'),
  name: z.string().trim().min(1, 'Give the asset a name'),
  type: z.string().trim(), manufacturer: z.string().trim(), model: z.string().trim(), serial: z.string().trim(),
  status: z.enum(ASSET_STATUSES), branch_id: z.string(), assigned_to: z.string(),
  purchase_date: date, warranty_expires_on: date,
  purchase_cost: z.string().trim().refine((s) => s === '' || (Number.isFinite(Number(s)) && Number(s) >= 0), 'Enter an amount like 1200.50'),
  notes: z.string(),
});
type Values = z.infer<typeof schema>;

function defaults(a?: AssetRow | null): Values {
  return {
    tag: a?.tag ?? '', name: a?.name ?? '', type: a?.type ?? '', manufacturer: a?.manufacturer ?? '', model: a?.model ?? '',
    serial: a?.serial ?? '', status: a?.status ?? 'in_stock', branch_id: a?.branch_id ?? '', assigned_to: a?.assigned_to ?? '',
    purchase_date: a?.purchase_date ?? '', warranty_expires_on: a?.warranty_expires_on ?? '',
    purchase_cost: a?.purchase_cost != null ? String(a.purchase_cost) : '', notes: a?.notes ?? '',
  };
}

/** Create (`/inventory/new`) or edit (`/inventory/:key/edit`) an asset. */
export default function AssetFormPage() {
  const { key } = useParams();
  const asset = useAsset(key ?? '');
  if (key && asset.isLoading) return <Skeleton className="h-96" />;
  if (key && asset.error) return <ErrorMessage error={asset.error} />;
  return <AssetForm asset={key ? asset.data : null} />;
}

function AssetForm({ asset }: { asset: AssetRow | null | undefined }) {
  const navigate = useNavigate();
  const reference = useAssetReference();
  const save = useSaveAsset();
  const [custom, setCustom] = useState<[string, string][]>(Object.entries(asset?.custom ?? {}));
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: defaults(asset) });
  const { errors, isSubmitting } = form.formState;
  const text = (name: keyof Values, label: string, extra: Record<string, unknown> = {}) => (
    <FormField label={label} error={errors[name]?.message}><Input {...form.register(name)} {...extra} /></FormField>
  );

  async function submit(v: Values) {
    const values = {
      tag: v.tag, name: v.name, type: v.type || null, manufacturer: v.manufacturer || null, model: v.model || null,
      serial: v.serial || null, status: v.status as AssetStatus, branch_id: v.branch_id || null, assigned_to: v.assigned_to || null,
      purchase_date: v.purchase_date || null, warranty_expires_on: v.warranty_expires_on || null,
      purchase_cost: v.purchase_cost === '' ? null : Number(v.purchase_cost), notes: v.notes || null,
      custom: Object.fromEntries(custom.filter(([k]) => k.trim()).map(([k, val]) => [k.trim(), val])),
    };
    const saved = await save.mutateAsync({ id: asset?.id, values }).catch(() => null);
    if (!saved) return;
    toast.success(asset ? `${saved.tag} saved` : `${saved.tag} added`);
    navigate(`/inventory/${encodeURIComponent(saved.tag)}`);
  }
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title={asset ? `Edit ${asset.tag}` : 'New asset'} />
      <Card className="p-4 sm:p-6">
        <form className="grid gap-4" onSubmit={form.handleSubmit(submit)} noValidate>
          <div className="grid gap-4 sm:grid-cols-2">
            {text('tag', 'Tag', { autoFocus: true, placeholder: 'e.g. LT-0042' })}
            {text('name', 'Name', { placeholder: 'e.g. Reception laptop' })}
            {text('type', 'Type', { placeholder: 'laptop, desktop, printer…', list: 'asset-types' })}
            <Controller control={form.control} name="status" render={({ field }) => (
              <FormField label="Status"><Select value={field.value} onValueChange={field.onChange}
                options={ASSET_STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))} /></FormField>)} />
            {text('manufacturer', 'Manufacturer')}
            {text('model', 'Model')}
            {text('serial', 'Serial number')}
            <Controller control={form.control} name="branch_id" render={({ field }) => (
              <FormField label="Branch"><Select value={field.value} onValueChange={field.onChange} allowNone="No branch"
                options={(reference.data?.branches ?? []).map((b) => ({ value: b.id, label: b.name }))} /></FormField>)} />
            <Controller control={form.control} name="assigned_to" render={({ field }) => (
              <FormField label="Assigned to"><Select value={field.value} onValueChange={field.onChange} allowNone="Nobody"
                options={(reference.data?.members ?? []).map((m) => ({ value: m.user_id, label: m.full_name || m.email || m.user_id }))} /></FormField>)} />
            {text('purchase_date', 'Purchase date', { type: 'date' })}
            {text('purchase_cost', 'Purchase cost', { inputMode: 'decimal' })}
            {text('warranty_expires_on', 'Warranty expires on', { type: 'date' })}
          </div>
          <datalist id="asset-types">{(reference.data?.types ?? []).map((t) => <option key={t} value={t} />)}</datalist>
          <FormField label="Notes"><Textarea rows={3} {...form.register('notes')} /></FormField>
          <CustomFields rows={custom} onChange={setCustom} />
          {save.error != null && <ErrorMessage title="Could not save the asset" error={save.error} />}
          <div className="flex justify-end gap-2">
            <Button variant="outline" onClick={() => navigate(-1)}>Cancel</Button>
            <Button type="submit" loading={isSubmitting}>{asset ? 'Save' : 'Add asset'}</Button>
          </div>
        </form>
      </Card>
    </div>
  );
}

/** Free-form custom fields (stored in assets.custom) as name/value pairs. */
function CustomFields({ rows, onChange }: { rows: [string, string][]; onChange: (rows: [string, string][]) => void }) {
  const set = (i: number, at: 0 | 1, v: string) => onChange(rows.map((r, j) => (j === i ? (at ? [r[0], v] : [v, r[1]]) : r)));
  return (
    <fieldset className="grid gap-2">
      <legend className="text-sm font-medium">Custom fields</legend>
      {rows.map(([k, v], i) => (
        <div key={i} className="flex gap-2">
          <Input aria-label={`Custom field ${i + 1} name`} placeholder="Name" value={k} onChange={(e) => set(i, 0, e.target.value)} />
          <Input aria-label={`Custom field ${i + 1} value`} placeholder="Value" value={v} onChange={(e) => set(i, 1, e.target.value)} />
          <Button variant="ghost" size="icon" aria-label={`Remove custom field ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            <Trash2 aria-hidden className="h-4 w-4" /></Button>
        </div>))}
      <Button variant="outline" size="sm" className="w-fit" onClick={() => onChange([...rows, ['', '']])}><Plus aria-hidden className="h-4 w-4" />Add field</Button>
    </fieldset>
  );
}
