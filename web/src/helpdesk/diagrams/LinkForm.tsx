import { useEffect, useState } from 'react';
import { Button, FormField, Input, Select } from '@/ui';
import type { DNode } from './queries';

/** Link two nodes (the selected node is the default "from"). */
export function LinkForm({ nodes, selected, onLink }: { nodes: DNode[]; selected: string | null; onLink: (s: string, t: string, label: string | null) => void }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [label, setLabel] = useState('');
  const [round, setRound] = useState(0); // remounts "Link to" so it shows empty after each link
  useEffect(() => { if (selected) setFrom(selected); }, [selected]);
  const options = nodes.map((n) => ({ value: n.id, label: n.label ?? n.id }));
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div className="w-56"><FormField label="Link from"><Select value={from} onValueChange={setFrom} options={options} /></FormField></div>
      <div className="w-56"><FormField label="Link to"><Select key={round} value={to} onValueChange={setTo} options={options.filter((o) => o.value !== from)} /></FormField></div>
      <div className="w-36"><FormField label="Link label"><Input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="e.g. 1 Gbit" /></FormField></div>
      <Button disabled={!from || !to || from === to} onClick={() => { onLink(from, to, label.trim() || null); setTo(''); setLabel(''); setRound((r) => r + 1); }}>Add link</Button>
    </div>
  );
}
