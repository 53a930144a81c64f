import { Inbox, type LucideIcon } from 'lucide-react';
import { type ReactNode } from 'react';

export function EmptyState({ title, description, action, icon: Icon = Inbox }: {
  title: string; description?: ReactNode; action?: ReactNode; icon?: LucideIcon;
}) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 px-4 py-12 text-center">
      <Icon aria-hidden className="h-10 w-10 text-muted-foreground" />
      <p className="font-medium">{title}</p>
      {description && <p className="max-w-sm text-sm text-muted-foreground">{description}</p>}
      {action}
    </div>
  );
}
