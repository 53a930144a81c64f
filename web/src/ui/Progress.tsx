import * as ProgressPrimitive from '@radix-ui/react-progress';

/** Determinate progress 0..100, labelled for screen readers. */
export function Progress({ value, label = 'Progress' }: { value: number; label?: string }) {
  return (
    <ProgressPrimitive.Root value={value} aria-label={label} className="relative h-2 w-full overflow-hidden rounded-full bg-muted">
      <ProgressPrimitive.Indicator className="h-full bg-primary transition-transform"
        style={{ transform: `translateX(-${100 - Math.max(0, Math.min(100, value))}%)` }} />
    </ProgressPrimitive.Root>
  );
}
