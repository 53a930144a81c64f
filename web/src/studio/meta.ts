/** The postgres-meta shapes the screens read (only the fields they use), and their query hooks. */
import { useQuery } from '@tanstack/react-query';
import { api, runSql } from './api';
import { literal } from './sql';

export interface MetaColumn {
  id: string; table_id: number; schema: string; table: string; name: string; ordinal_position: number;
  data_type: string; format: string; default_value: string | null; is_nullable: boolean; is_identity: boolean;
  is_generated: boolean; is_updatable: boolean; is_unique: boolean;
}
export interface Relationship {
  id: number; constraint_name: string; source_schema: string; source_table_name: string; source_column_name: string;
  target_table_schema: string; target_table_name: string; target_column_name: string;
}
export interface MetaTable {
  id: number; schema: string; name: string; rls_enabled: boolean; live_rows_estimate: number; size: string;
  comment: string | null; primary_keys: { name: string }[]; relationships: Relationship[]; columns?: MetaColumn[];
}
export interface MetaPolicy {
  id: number; schema: string; table: string; table_id: number; name: string; action: string; roles: string[];
  command: string; definition: string | null; check: string | null;
}

export const SYSTEM_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast'];

export function useSchemas() {
  return useQuery({ queryKey: ['pg', 'schemas'], queryFn: () => api<{ id: number; name: string }[]>('/pg/schemas') });
}

export function useTables(schema: string) {
  return useQuery({
    queryKey: ['pg', 'tables', schema],
    queryFn: () => api<MetaTable[]>(`/pg/tables?included_schemas=${encodeURIComponent(schema)}&include_columns=true`),
  });
}

export function usePolicies() {
  return useQuery({ queryKey: ['pg', 'policies'], queryFn: () => api<MetaPolicy[]>('/pg/policies') });
}

export interface RowCount { name: string; rows: number; estimated: boolean }

/** Row counts of a schema's tables: exact below 100k rows (one count each), the planner's estimate above. */
export function useRowCounts(schema: string) {
  return useQuery({
    queryKey: ['pg', 'row-counts', schema],
    queryFn: () => runSql<RowCount>(`select c.relname as name, c.reltuples >= 100000 as estimated,
  case when c.reltuples < 100000
       then (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::bigint
       else c.reltuples::bigint end as rows
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = ${literal(schema)} and c.relkind in ('r', 'p')`),
  });
}
