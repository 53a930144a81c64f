import { LifeBuoy } from 'lucide-react';
import { type ReactNode } from 'react';
import { Card, ThemeToggle } from '@/ui';

/** The centred card of the signed-out screens. */
export function AuthLayout({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="flex min-h-full flex-col items-center justify-center gap-6 bg-muted/40 p-4">
      <div className="absolute right-3 top-3"><ThemeToggle /></div>
      <div className="flex items-center gap-2 text-lg font-semibold"><LifeBuoy aria-hidden className="h-6 w-6 text-primary" />Oricol Helpdesk</div>
      <Card className="w-full max-w-sm p-6">
        <h1 className="mb-4 text-xl font-semibold">{title}</h1>
        {children}
      </Card>
      {footer && <div className="text-sm text-muted-foreground">{footer}</div>}
    </div>
  );
}
