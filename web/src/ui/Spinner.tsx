import { Loader2 } from 'lucide-react';
import { cn } from './cn';

/** A spinning indicator; `label` is what a screen reader announces. */
export function Spinner({ className, label = 'Loading' }: { className?: string; label?: string }) {
  return (
    <span role="status" aria-label={label} className="inline-flex">
      <Loader2 aria-hidden className={cn('h-4 w-4 animate-spin', className)} />
    </span>
  );
}
