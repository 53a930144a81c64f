import { Spinner } from '@/ui';

export function PageLoading() {
  return <div className="flex h-full items-center justify-center p-8"><Spinner className="h-6 w-6" /></div>;
}
