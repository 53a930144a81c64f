import * as SelectPrimitive from '@radix-ui/react-select';
import { Check, ChevronDown } from 'lucide-react';
import { forwardRef } from 'react';
import { cn } from './cn';

export interface SelectOption { value: string; label: string }

/**
 * A labelled single choice from a short list. Radix Select cannot hold an empty value, so "no choice"
 * is the sentinel `__none__` mapped to '' for callers.
 */
export const Select = forwardRef<HTMLButtonElement, {
  value: string; onValueChange: (value: string) => void; options: SelectOption[];
  placeholder?: string; id?: string; disabled?: boolean; className?: string; allowNone?: string;
  'aria-label'?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string;
}>(function Select({ value, onValueChange, options, placeholder, allowNone, className, disabled, ...aria }, ref) {
  const NONE = '__none__';
  return (
    <SelectPrimitive.Root value={value === '' ? (allowNone ? NONE : undefined) : value}
      onValueChange={(v) => onValueChange(v === NONE ? '' : v)} disabled={disabled}>
      <SelectPrimitive.Trigger ref={ref} {...aria}
        className={cn('flex h-9 w-full items-center justify-between gap-2 rounded-md border border-input bg-background px-3 text-sm',
          'disabled:opacity-50', className)}>
        <SelectPrimitive.Value placeholder={placeholder ?? 'Choose…'} />
        <SelectPrimitive.Icon><ChevronDown aria-hidden className="h-4 w-4 opacity-60" /></SelectPrimitive.Icon>
      </SelectPrimitive.Trigger>
      <SelectPrimitive.Portal>
        <SelectPrimitive.Content position="popper" sideOffset={4}
          className="z-50 max-h-72 min-w-[var(--radix-select-trigger-width)] overflow-auto rounded-md border border-border bg-popover p-1 text-popover-foreground shadow-md">
          <SelectPrimitive.Viewport>
            {allowNone && <Item value={NONE} label={allowNone} />}
            {options.map((o) => <Item key={o.value} value={o.value} label={o.label} />)}
          </SelectPrimitive.Viewport>
        </SelectPrimitive.Content>
      </SelectPrimitive.Portal>
    </SelectPrimitive.Root>
  );
});

function Item({ value, label }: SelectOption) {
  return (
    <SelectPrimitive.Item value={value}
      className="relative flex cursor-default select-none items-center rounded-sm py-1.5 pl-7 pr-2 text-sm outline-none data-[highlighted]:bg-accent">
      <SelectPrimitive.ItemIndicator className="absolute left-2"><Check aria-hidden className="h-4 w-4" /></SelectPrimitive.ItemIndicator>
      <SelectPrimitive.ItemText>{label}</SelectPrimitive.ItemText>
    </SelectPrimitive.Item>
  );
}
