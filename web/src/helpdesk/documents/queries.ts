// The document hub's data: rows in helpdesk.documents, files in the private `helpdesk-documents` bucket at
// <folder>/<uuid>-<safe name>. Staff read (RLS and the storage policies), workers write; requesters see nothing.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { helpdesk, supabase } from '@/lib/supabase';
import { uploadWithProgress } from '@/lib/upload';
import { safeFileName } from '../tickets/attachments';

export const BUCKET = 'helpdesk-documents';
export const MAX_BYTES = 50 * 1024 * 1024;

export interface Doc {
  id: string; folder: string; name: string; object_path: string; content_type: string | null;
  size_bytes: number | null; tags: string[]; uploaded_by: string | null; created_at: string;
  uploader?: { full_name: string | null } | null;
}
export interface DocFilter { folder: string | null; tag: string; q: string }

/** Folder paths are '/' or '/a/b' — no trailing slash, no empty or dot segments. */
export function normalizeFolder(input: string): string {
  const parts = input.split('/').map((p) => p.trim()).filter((p) => p && p !== '.' && p !== '..');
  return '/' + parts.join('/');
}

/** Tags as typed ("Contract, vpn  contract") → unique, lower-case, trimmed. */
export function parseTags(input: string): string[] {
  return [...new Set(input.split(/[,\s]+/).map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

export function useDocuments(filter: DocFilter) {
  return useQuery({
    queryKey: ['documents', filter],
    queryFn: async (): Promise<Doc[]> => {
      let query = helpdesk().from('documents')
        .select('id, folder, name, object_path, content_type, size_bytes, tags, uploaded_by, created_at')
        .order('created_at', { ascending: false }).limit(500);
      if (filter.folder) query = query.eq('folder', filter.folder);
      if (filter.tag) query = query.contains('tags', [filter.tag]);
      if (filter.q) query = query.ilike('name', `%${filter.q.replace(/[%_]/g, '\\$&')}%`);
      const { data, error } = await query;
      if (error) throw error;
      return (data ?? []) as Doc[];
    },
  });
}

/** Every folder and tag in use, for the sidebar and the tag filter. */
export function useFoldersAndTags() {
  return useQuery({
    queryKey: ['documents', 'facets'],
    queryFn: async () => {
      const { data, error } = await helpdesk().from('documents').select('folder, tags').limit(5000);
      if (error) throw error;
      const folders = new Set<string>(['/']);
      const tags = new Set<string>();
      for (const row of (data ?? []) as { folder: string; tags: string[] }[]) {
        folders.add(row.folder);
        row.tags?.forEach((t) => tags.add(t));
      }
      return { folders: [...folders].sort(), tags: [...tags].sort() };
    },
  });
}

/** Uploads one file with progress and records it; removes the object again if the row cannot be written. */
export async function uploadDocument(file: File, folder: string, tags: string[], userId: string,
  onProgress: (loaded: number, total: number) => void) {
  if (file.size > MAX_BYTES) throw new Error('larger than 50 MB');
  const prefix = folder === '/' ? '' : `${folder.slice(1)}/`;
  const path = `${prefix}${crypto.randomUUID()}-${safeFileName(file.name)}`;
  await uploadWithProgress(BUCKET, path, file, onProgress);
  const { error } = await helpdesk().from('documents').insert({
    folder, name: file.name, bucket: BUCKET, object_path: path, content_type: file.type || null,
    size_bytes: file.size, tags, uploaded_by: userId,
  });
  if (error) {
    await supabase().storage.from(BUCKET).remove([path]);
    throw error;
  }
}

export function useUpdateDocument() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, folder, tags, name }: { id: string; folder: string; tags: string[]; name: string }) => {
      const { error } = await helpdesk().from('documents').update({ folder, tags, name }).eq('id', id);
      if (error) throw error;
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['documents'] }),
  });
}

/** Deletes the row first (RLS decides), then the file; a file left behind is harmless, a row without one is not. */
export function useDeleteDocument() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (doc: Doc) => {
      const { data, error } = await helpdesk().from('documents').delete().eq('id', doc.id).select('id');
      if (error) throw error;
      if (!data?.length) throw new Error('You may not delete this document');
      const removed = await supabase().storage.from(BUCKET).remove([doc.object_path]);
      if (removed.error) throw removed.error;
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['documents'] }),
  });
}

/** A signed link valid for `seconds`; `download` makes the browser save it under the document's name. */
export async function signedUrl(doc: Doc, seconds: number, opts: { download?: boolean; width?: number } = {}) {
  const bucket = supabase().storage.from(BUCKET);
  const { data, error } = await bucket.createSignedUrl(doc.object_path, seconds, {
    download: opts.download ? doc.name : undefined,
    transform: opts.width ? { width: opts.width, height: opts.width, resize: 'contain' } : undefined,
  });
  if (error) throw error;
  return data.signedUrl;
}

export const isImage = (doc: Doc) => !!doc.content_type?.startsWith('image/') && doc.content_type !== 'image/svg+xml';
export const isPdf = (doc: Doc) => doc.content_type === 'application/pdf' || doc.name.toLowerCase().endsWith('.pdf');
