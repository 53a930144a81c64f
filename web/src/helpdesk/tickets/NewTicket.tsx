import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { useUser } from '@/lib/auth';
import { zodResolver } from '@/lib/form';
import { helpdesk } from '@/lib/supabase';
import { Button, Card, ErrorMessage, FormField, Input, PageHeader, Progress, Select, Textarea, toast } from '@/ui';
import { isStaff, useMe } from '../role';
import { AttachmentPicker } from './AttachmentPicker';
import { uploadAttachments } from './attachments';
import { PRIORITIES, PRIORITY_LABEL, type Priority } from './model';
import { useReference } from './queries';
import { AssetNote } from '../assets/AssetNote';

const schema = z.object({
  title: z.string().trim().min(3, 'Give the ticket a short title (3 characters or more)').max(200, 'Keep the title under 200 characters'),
  description: z.string().trim().min(1, 'Describe the problem'),
  priority: z.enum(PRIORITIES),
  category: z.string(),
});
type Values = z.infer<typeof schema>;

/** Opens a ticket (requester = the caller), then uploads its attachments with progress. */
export default function NewTicket() {
  const user = useUser();
  const me = useMe();
  const navigate = useNavigate();
  const client = useQueryClient();
  const reference = useReference();
  const [params] = useSearchParams();
  const assetId = params.get('asset'); // set by an asset's "Report a problem with this"
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { title: '', description: '', priority: 'normal', category: '' } });

  async function submit(values: Values) {
    setError(null);
    const { data, error: failed } = await helpdesk().from('tickets').insert({
      title: values.title, description: values.description, priority: values.priority,
      category: values.category || null, requester_id: user.id, source: 'web', asset_id: assetId || null,
    }).select('id, number').single();
    if (failed) { setError(failed); return; }
    const ticket = data as { id: string; number: string };
    if (files.length) {
      try {
        await uploadAttachments(ticket.id, files, user.id, { onProgress: (d, t) => setProgress(Math.round((d / t) * 100)) });
      } catch (e) {
        toast.error(`${ticket.number} was opened, but an attachment failed`, String((e as Error).message ?? e));
      }
    }
    client.invalidateQueries({ queryKey: ['tickets'] });
    toast.success(`Ticket ${ticket.number} opened`);
    const staff = me.data && isStaff(me.data.role);
    navigate(staff ? `/tickets/${ticket.id}` : `/my-tickets/${ticket.id}`);
  }
  const { errors, isSubmitting } = form.formState;
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title="New ticket" />
      <Card className="p-4 sm:p-6">
        <form className="grid gap-4" onSubmit={form.handleSubmit(submit)} noValidate>
          {assetId && <AssetNote id={assetId} />}
          <FormField label="Title" error={errors.title?.message}>
            <Input autoFocus placeholder="e.g. Laptop does not start" {...form.register('title')} />
          </FormField>
          <FormField label="Description" error={errors.description?.message}>
            <Textarea rows={6} placeholder="What happened, what you expected, anything you tried" {...form.register('description')} />
          </FormField>
          <div className="grid gap-4 sm:grid-cols-2">
            <Controller control={form.control} name="priority" render={({ field }) => (
              <FormField label="Priority">
                <Select value={field.value} onValueChange={(v) => field.onChange(v as Priority)}
                  options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABEL[p] }))} />
              </FormField>)} />
            <Controller control={form.control} name="category" render={({ field }) => (
              <FormField label="Category">
                <Select value={field.value} onValueChange={field.onChange} allowNone="No category"
                  options={(reference.data?.categories ?? []).map((c) => ({ value: c.name, label: c.name }))} />
              </FormField>)} />
          </div>
          <AttachmentPicker files={files} onChange={setFiles} />
          {progress != null && <Progress value={progress} label="Uploading attachments" />}
          {error != null && <ErrorMessage title="Could not open the ticket" error={error} />}
          <div className="flex justify-end gap-2">
            <Button variant="outline" onClick={() => navigate(-1)}>Cancel</Button>
            <Button type="submit" loading={isSubmitting}>Open ticket</Button>
          </div>
        </form>
      </Card>
    </div>
  );
}
