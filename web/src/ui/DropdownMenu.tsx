import * as Menu from '@radix-ui/react-dropdown-menu';
import { type ComponentProps, type ReactNode } from 'react';
import { cn } from './cn';

export const DropdownMenu = Menu.Root;
export const DropdownMenuTrigger = Menu.Trigger;
export const DropdownMenuSeparator = () => <Menu.Separator className="my-1 h-px bg-border" />;
export const DropdownMenuLabel = ({ children }: { children: ReactNode }) =>
  <Menu.Label className="px-2 py-1.5 text-xs font-semibold text-muted-foreground">{children}</Menu.Label>;

export function DropdownMenuContent({ className, align = 'end', ...props }: ComponentProps<typeof Menu.Content>) {
  return (
    <Menu.Portal>
      <Menu.Content align={align} sideOffset={4}
        className={cn('z-50 min-w-[10rem] rounded-md border border-border bg-popover p-1 text-popover-foreground shadow-md', className)}
        {...props} />
    </Menu.Portal>
  );
}

export function DropdownMenuItem({ className, ...props }: ComponentProps<typeof Menu.Item>) {
  return <Menu.Item className={cn('flex cursor-default select-none items-center gap-2 rounded-sm px-2 py-1.5 text-sm outline-none',
    'data-[highlighted]:bg-accent data-[disabled]:opacity-50', className)} {...props} />;
}
