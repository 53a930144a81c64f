import { Search } from 'lucide-react';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Input } from '@/ui';

/** The global ticket search (number, title, text): "/" focuses it; Enter opens the list with the query. */
export function SearchBox({ staff }: { staff: boolean }) {
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  return (
    <form role="search" className="relative w-full max-w-md" onSubmit={(e) => {
      e.preventDefault();
      const view = staff ? 'recent' : 'requested';
      navigate(`${staff ? '/tickets' : '/my-tickets'}?view=${view}&q=${encodeURIComponent(q.trim())}`);
    }}>
      <Search aria-hidden className="pointer-events-none absolute left-2.5 top-2.5 h-4 w-4 text-muted-foreground" />
      <Input id="global-search" type="search" aria-label="Search tickets" placeholder="Search tickets  ( / )"
        className="pl-8" value={q} onChange={(e) => setQ(e.target.value)} />
    </form>
  );
}
