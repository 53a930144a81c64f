import { QueryClient } from '@tanstack/react-query';
import { toast } from '@/ui/toast';
import { describeError } from './errors';

/**
 * One QueryClient per page. Reads retry once (not on 4xx: they will not get better); a failed mutation
 * always reaches the person as a toast unless the mutation handles its own error (meta.silent).
 */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => count < 1 && !isClientError(error),
      },
      mutations: {
        onError: (error, _vars, _ctx) => toast.error('That did not work', describeError(error)),
      },
    },
  });
}

function isClientError(error: unknown): boolean {
  const status = (error as { status?: number } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
