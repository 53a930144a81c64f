import { AlertTriangle } from 'lucide-react';
import { describeError } from '@/lib/errors';
import { Button } from './Button';

/** An API error as a sentence a person can act on, with an optional retry. */
export function ErrorMessage({ error, retry, title = 'Something went wrong' }: {
  error: unknown; retry?: () => void; title?: string;
}) {
  return (
    <div role="alert" className="flex items-start gap-3 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm">
      <AlertTriangle aria-hidden className="mt-0.5 h-4 w-4 shrink-0 text-destructive" />
      <div className="grid gap-1">
        <p className="font-medium">{title}</p>
        <p>{describeError(error)}</p>
        {retry && <Button variant="outline" size="sm" className="w-fit" onClick={retry}>Try again</Button>}
      </div>
    </div>
  );
}
