import * as CheckboxPrimitive from '@radix-ui/react-checkbox';
import { Check, Minus } from 'lucide-react';
import { forwardRef, type ComponentProps } from 'react';
import { cn } from './cn';

/** A checkbox; give it an aria-label or a <Label htmlFor>. `checked="indeterminate"` shows a dash. */
export const Checkbox = forwardRef<HTMLButtonElement, ComponentProps<typeof CheckboxPrimitive.Root>>(
  function Checkbox({ className, ...props }, ref) {
    return (
      <CheckboxPrimitive.Root ref={ref}
        className={cn('peer h-4 w-4 shrink-0 rounded-sm border border-input data-[state=checked]:bg-primary',
          'data-[state=checked]:text-primary-foreground data-[state=indeterminate]:bg-primary data-[state=indeterminate]:text-primary-foreground', className)}
        {...props}>
        <CheckboxPrimitive.Indicator className="flex items-center justify-center">
          {props.checked === 'indeterminate' ? <Minus aria-hidden className="h-3 w-3" /> : <Check aria-hidden className="h-3 w-3" />}
        </CheckboxPrimitive.Indicator>
      </CheckboxPrimitive.Root>
    );
  });
