import { useEffect } from 'react';
import { useNavigate } from 'react-router-dom';

/** Keys that work anywhere outside a text field: "/" search, "c" create a ticket, "j"/"k" into the list. */
export function useShortcuts() {
  const navigate = useNavigate();
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable=true], [role=dialog], [role=menu], [role=listbox]')) return;
      if (event.key === '/') { event.preventDefault(); document.getElementById('global-search')?.focus(); }
      else if (event.key === 'c') { event.preventDefault(); navigate('/new'); }
      else if ((event.key === 'j' || event.key === 'k') && !target.closest('tr[data-row]')) {
        const first = document.querySelector<HTMLElement>('tr[data-row]');
        if (first) { event.preventDefault(); first.focus(); }
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);
}
