import * as ToastPrimitive from '@radix-ui/react-toast';
import { X } from 'lucide-react';
import { useSyncExternalStore } from 'react';
import { cn } from './cn';

type Tone = 'info' | 'success' | 'error';
interface Item { id: number; title: string; description?: string; tone: Tone }

// A tiny store outside React so any code (mutations, error handlers) can call toast() directly.
let items: Item[] = [];
let next = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function toast(title: string, options: { description?: string; tone?: Tone } = {}): void {
  items = [...items, { id: next++, title, description: options.description, tone: options.tone ?? 'info' }];
  emit();
}
toast.error = (title: string, description?: string) => toast(title, { description, tone: 'error' });
toast.success = (title: string, description?: string) => toast(title, { description, tone: 'success' });

function dismiss(id: number) { items = items.filter((i) => i.id !== id); emit(); }
function subscribe(l: () => void) { listeners.add(l); return () => { listeners.delete(l); }; }

/** Mount once near the root. Errors stay until dismissed; others fade after 5 s. */
export function Toaster() {
  const list = useSyncExternalStore(subscribe, () => items);
  return (
    <ToastPrimitive.Provider swipeDirection="right">
      {list.map((item) => (
        <ToastPrimitive.Root key={item.id} duration={item.tone === 'error' ? 60_000 : 5000}
          onOpenChange={(open) => { if (!open) dismiss(item.id); }}
          className={cn('relative grid gap-1 rounded-md border p-3 pr-8 shadow-lg',
            item.tone === 'error' ? 'border-destructive bg-destructive text-destructive-foreground' : 'border-border bg-card text-card-foreground')}>
          <ToastPrimitive.Title className="text-sm font-semibold">{item.title}</ToastPrimitive.Title>
          {item.description && <ToastPrimitive.Description className="text-sm opacity-90">{item.description}</ToastPrimitive.Description>}
          <ToastPrimitive.Close aria-label="Dismiss" className="absolute right-2 top-2 rounded p-0.5 opacity-70 hover:opacity-100">
            <X aria-hidden className="h-4 w-4" />
          </ToastPrimitive.Close>
        </ToastPrimitive.Root>
      ))}
      <ToastPrimitive.Viewport className="fixed bottom-0 right-0 z-[100] flex w-full max-w-sm flex-col gap-2 p-4" />
    </ToastPrimitive.Provider>
  );
}
