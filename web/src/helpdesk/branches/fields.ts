import type { FieldSpec } from './RecordDialog';
import { DEVICE_KINDS } from './queries';

export const BRANCH_FIELDS: FieldSpec[] = [
  { name: 'name', label: 'Name', required: true }, { name: 'code', label: 'Code' },
  { name: 'address', label: 'Address' }, { name: 'city', label: 'City' }, { name: 'country', label: 'Country' },
  { name: 'phone', label: 'Phone' }, { name: 'contact_name', label: 'Contact name' },
  { name: 'contact_email', label: 'Contact email', type: 'email' }, { name: 'notes', label: 'Notes', type: 'textarea' },
];
export const DEVICE_FIELDS: FieldSpec[] = [
  { name: 'name', label: 'Device name', required: true },
  { name: 'kind', label: 'Kind', type: 'select', required: true, options: DEVICE_KINDS.map((k) => ({ value: k, label: k.replace('_', ' ') })) },
  { name: 'ip_address', label: 'IP address' }, { name: 'mac_address', label: 'MAC address' },
  { name: 'location', label: 'Location' }, { name: 'notes', label: 'Notes', type: 'textarea' },
];
export const LINK_FIELDS: FieldSpec[] = [
  { name: 'isp', label: 'ISP', required: true }, { name: 'circuit_id', label: 'Circuit ID' },
  { name: 'account_number', label: 'Account number' },
  { name: 'bandwidth_down_mbps', label: 'Download (Mbit/s)', type: 'number' }, { name: 'bandwidth_up_mbps', label: 'Upload (Mbit/s)', type: 'number' },
  { name: 'contract_start', label: 'Contract start', type: 'date' }, { name: 'contract_end', label: 'Contract end', type: 'date' },
  { name: 'monthly_cost', label: 'Monthly cost', type: 'number' },
  { name: 'support_phone', label: 'Support phone' }, { name: 'support_email', label: 'Support email', type: 'email' },
  { name: 'notes', label: 'Notes', type: 'textarea' },
];
