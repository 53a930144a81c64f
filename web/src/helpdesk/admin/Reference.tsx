import { RecordTable } from './RecordTable';
import { useOptions } from './queries';

/** Teams and ticket categories. */
export function Teams() {
  return (
    <div className="grid gap-8">
      <RecordTable table="teams" title="Teams" singular="team" fields={[
        { name: 'name', label: 'Name', required: true }, { name: 'email', label: 'Email', type: 'email' },
        { name: 'description', label: 'Description', type: 'textarea' },
      ]} />
      <RecordTable table="ticket_categories" title="Ticket categories" singular="category" fields={[{ name: 'name', label: 'Name', required: true }]} />
    </div>
  );
}

export function Branches() {
  return (
    <RecordTable table="branches" title="Branches" singular="branch" fields={[
      { name: 'name', label: 'Name', required: true }, { name: 'code', label: 'Code' }, { name: 'city', label: 'City' },
      { name: 'country', label: 'Country' }, { name: 'phone', label: 'Phone' }, { name: 'address', label: 'Address', type: 'textarea', list: false },
      { name: 'contact_name', label: 'Contact name', list: false }, { name: 'contact_email', label: 'Contact email', type: 'email', list: false },
      { name: 'notes', label: 'Notes', type: 'textarea', list: false },
    ]} />
  );
}

export function CannedReplies() {
  const teams = useOptions('teams');
  return (
    <RecordTable table="canned_replies" title="Canned replies" singular="canned reply" order="title" fields={[
      { name: 'title', label: 'Title', required: true },
      { name: 'team_id', label: 'Team', type: 'select', options: teams, hint: 'None: every agent sees it' },
      { name: 'body', label: 'Text', type: 'textarea', required: true, list: false },
    ]} />
  );
}
