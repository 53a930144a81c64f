// Ticket attachments: files in the private `helpdesk-attachments` bucket at <ticket id>/<uuid>-<name>, one
// row each in helpdesk.ticket_attachments. Storage policies follow the ticket's visibility.
import { useQuery } from '@tanstack/react-query';
import { helpdesk, supabase } from '@/lib/supabase';

export const BUCKET = 'helpdesk-attachments';
export const MAX_BYTES = 10 * 1024 * 1024;

export interface Attachment {
  id: string; ticket_id: string; comment_id: string | null; object_path: string; file_name: string;
  content_type: string | null; size_bytes: number | null; created_at: string;
  url?: string; preview?: string;
}

export function safeFileName(name: string): string {
  const cleaned = name.normalize('NFKD').replace(/[^\w.\- ]+/g, '_').replace(/\s+/g, '_').replace(/^\.+/, '');
  return (cleaned || 'file').slice(-120);
}

/** Uploads files one by one (progress = files done), then records them; stops at the first failure. */
export async function uploadAttachments(ticketId: string, files: File[], userId: string,
  { commentId = null, onProgress }: { commentId?: string | null; onProgress?: (done: number, total: number) => void } = {}) {
  let done = 0;
  onProgress?.(done, files.length);
  for (const file of files) {
    if (file.size > MAX_BYTES) throw new Error(`${file.name} is larger than 10 MB`);
    const path = `${ticketId}/${crypto.randomUUID()}-${safeFileName(file.name)}`;
    const uploaded = await supabase().storage.from(BUCKET).upload(path, file, {
      contentType: file.type || 'application/octet-stream', upsert: false,
    });
    if (uploaded.error) throw uploaded.error;
    const { error } = await helpdesk().from('ticket_attachments').insert({
      ticket_id: ticketId, comment_id: commentId, bucket: BUCKET, object_path: path, file_name: file.name,
      content_type: file.type || null, size_bytes: file.size, uploaded_by: userId,
    });
    if (error) {
      await supabase().storage.from(BUCKET).remove([path]); // nothing half-written
      throw error;
    }
    onProgress?.(++done, files.length);
  }
}

/** The ticket's attachments with signed links (an hour), and small previews for images via the transform endpoint. */
export function useAttachments(ticketId: string) {
  return useQuery({
    queryKey: ['tickets', 'attachments', ticketId],
    queryFn: async (): Promise<Attachment[]> => {
      const { data, error } = await helpdesk().from('ticket_attachments')
        .select('id, ticket_id, comment_id, object_path, file_name, content_type, size_bytes, created_at')
        .eq('ticket_id', ticketId).order('created_at');
      if (error) throw error;
      const rows = (data ?? []) as Attachment[];
      const bucket = supabase().storage.from(BUCKET);
      return Promise.all(rows.map(async (row) => {
        const link = await bucket.createSignedUrl(row.object_path, 3600, { download: row.file_name });
        const preview = row.content_type?.startsWith('image/')
          ? await bucket.createSignedUrl(row.object_path, 3600, { transform: { width: 320, height: 240, resize: 'contain' } })
          : null;
        return { ...row, url: link.data?.signedUrl, preview: preview?.data?.signedUrl };
      }));
    },
  });
}

export function formatBytes(n: number | null): string {
  if (n == null) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
