import { useState } from 'react';
import { Button, Dialog, FormField, Input, Select, Textarea } from '@/ui';
import type { MetaPolicy, MetaTable } from '../meta';
import { createPolicySql, ident, POLICY_TEMPLATES, qualified } from '../sql';
import { SqlPreview } from '../SqlPreview';

const COMMANDS = ['select', 'insert', 'update', 'delete', 'all'].map((c) => ({ value: c, label: c.toUpperCase() }));

/** A policy from a template or by hand; editing replaces the old policy in the same script. */
export function PolicyDialog({ table, policy, onClose }: { table: MetaTable; policy?: MetaPolicy; onClose: () => void }) {
  const [name, setName] = useState(policy?.name ?? '');
  const [command, setCommand] = useState(policy?.command.toLowerCase() ?? 'select');
  const [roles, setRoles] = useState(policy?.roles.join(', ') ?? 'anon, authenticated');
  const [using, setUsing] = useState(policy?.definition ?? '');
  const [check, setCheck] = useState(policy?.check ?? '');
  const [template, setTemplate] = useState('');
  const [preview, setPreview] = useState(false);

  function applyTemplate(id: string) {
    setTemplate(id);
    const t = POLICY_TEMPLATES.find((p) => p.id === id);
    if (!t) return;
    setName(t.label); setCommand(t.command); setRoles(t.roles); setUsing(t.using); setCheck(t.check);
  }

  const create = createPolicySql(table.schema, table.name, name.trim(), command, roles, using, check);
  const sql = policy ? `drop policy ${ident(policy.name)} on ${qualified(table.schema, table.name)};\n${create}` : create;
  return (
    <>
      <Dialog open={!preview} onOpenChange={(o) => { if (!o) onClose(); }} title={policy ? `Edit policy ${policy.name}` : `New policy on ${table.name}`} className="max-w-2xl"
        footer={<Button disabled={!name.trim()} onClick={() => setPreview(true)}>Review SQL</Button>}>
        {!policy && <FormField label="Template"><Select value={template} onValueChange={applyTemplate} placeholder="Start from a template…"
          options={POLICY_TEMPLATES.map((t) => ({ value: t.id, label: t.label }))} /></FormField>}
        <FormField label="Policy name"><Input value={name} onChange={(e) => setName(e.target.value)} /></FormField>
        <FormField label="Command"><Select value={command} onValueChange={setCommand} options={COMMANDS} /></FormField>
        <FormField label="Roles" hint="Comma separated: anon, authenticated, public…"><Input value={roles} onChange={(e) => setRoles(e.target.value)} /></FormField>
        <FormField label="USING expression" hint="Which existing rows the policy lets through"><Textarea className="font-mono text-xs" value={using} onChange={(e) => setUsing(e.target.value)} /></FormField>
        <FormField label="WITH CHECK expression" hint="Which new or changed rows are allowed"><Textarea className="font-mono text-xs" value={check} onChange={(e) => setCheck(e.target.value)} /></FormField>
      </Dialog>
      <SqlPreview open={preview} onOpenChange={(o) => { setPreview(o); }} title={policy ? `Replace policy ${policy.name}` : `Create policy ${name}`}
        sql={sql} onDone={onClose} runLabel="Save policy" />
    </>
  );
}
