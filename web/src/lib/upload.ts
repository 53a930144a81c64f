// Uploads to storage with progress. supabase-js's upload() reports no progress, so this sends the same
// request (POST /storage/v1/object/<bucket>/<path>, raw body, the caller's bearer token) by XHR, whose
// upload events give bytes sent. RLS and the bucket's policies decide exactly as for supabase-js.
import { config } from './config';
import { supabase } from './supabase';

export interface UploadResult { path: string }

/** Uploads `file` to `bucket` at `path`; `onProgress(loaded, total)` as bytes go out; rejects with the server's message. */
export async function uploadWithProgress(bucket: string, path: string, file: Blob,
  onProgress?: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<UploadResult> {
  const { data } = await supabase().auth.getSession();
  const token = data.session?.access_token;
  const { url, anonKey } = config();
  const target = `${url}/storage/v1/object/${encodeURIComponent(bucket)}/${path.split('/').map(encodeURIComponent).join('/')}`;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', target);
    xhr.setRequestHeader('apikey', anonKey);
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('x-upsert', 'false');
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) { onProgress?.(file.size, file.size); resolve({ path }); return; }
      reject(new Error(serverMessage(xhr.responseText) ?? `Upload failed (${xhr.status})`));
    };
    xhr.onerror = () => reject(new Error('The upload could not reach the server'));
    xhr.onabort = () => reject(new Error('Upload cancelled'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}

function serverMessage(text: string): string | null {
  try {
    const body = JSON.parse(text) as { message?: string; error?: string };
    return body.message ?? body.error ?? null;
  } catch { return null; }
}
