import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react';
import { Label } from './Label';

/**
 * A visible label, the control, an optional hint and the error text, wired together by ids so the
 * control's accessible name is the label and its description the error (tests find it by label).
 */
export function FormField({ label, error, hint, children, id }: {
  label: string; error?: string; hint?: ReactNode; children: ReactElement; id?: string;
}) {
  const auto = useId();
  const controlId = id ?? auto;
  const errorId = `${controlId}-error`;
  const control = isValidElement(children)
    ? cloneElement(children as ReactElement<Record<string, unknown>>, {
      id: controlId, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? errorId : undefined,
    })
    : children;
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={controlId}>{label}</Label>
      {control}
      {hint && !error && <p className="text-xs text-muted-foreground">{hint}</p>}
      {error && <p id={errorId} role="alert" className="text-xs text-destructive">{error}</p>}
    </div>
  );
}
