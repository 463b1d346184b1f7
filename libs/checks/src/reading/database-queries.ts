/**
 * Per-database readings of the checks, run in each database in turn. Catalog and statistics
 * views only: readable with pg_monitor, except sequence values (see SEQUENCES_SQL).
 */

/**
 * Sequences and the share of their range used, bounded by the owning column's type (a serial
 * integer column fails at 2^31 - 1 even when its sequence is bigint). Cycling sequences never
 * run out and are left out. Values need SELECT or USAGE on the sequence (pg_read_all_data on
 * 14+ grants it); without it `readable` is false and the share null.
 */
export const SEQUENCES_SQL = `
with owners as (
  select d.objid, t.relname as table_name, a.attname as column_name,
         case a.atttypid when 'int2'::regtype then 32767 when 'int4'::regtype then 2147483647 end as type_max,
         case a.atttypid when 'int2'::regtype then -32768 when 'int4'::regtype then -2147483648 end as type_min
    from pg_depend d
    join pg_class t on t.oid = d.refobjid
    join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
   where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
     and d.deptype in ('a', 'i')
),
seqs as (
  select distinct on (c.oid)
         c.oid, n.nspname as schema, c.relname as sequence, s.seqmin, s.seqmax, s.seqincrement,
         has_sequence_privilege(c.oid, 'SELECT,USAGE') as readable,
         o.table_name, o.column_name,
         least(s.seqmax, coalesce(o.type_max, s.seqmax)) as top,
         greatest(s.seqmin, coalesce(o.type_min, s.seqmin)) as bottom
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_sequence s on s.seqrelid = c.oid
    left join owners o on o.objid = c.oid
   where c.relkind = 'S' and not s.seqcycle
     and n.nspname not like 'pg\\_temp\\_%' and n.nspname not like 'pg\\_toast\\_temp\\_%'
   order by c.oid
),
valued as (
  select *, case when readable then pg_sequence_last_value(oid) end as last_value from seqs
)
select schema, sequence, table_name, column_name, readable,
       last_value::text as last_value,
       case when not readable then null
            when last_value is null then 0
            when seqincrement > 0
              then ((last_value::numeric - seqmin) / nullif(top::numeric - seqmin, 0))::float8
            else ((seqmax::numeric - last_value) / nullif(seqmax::numeric - bottom, 0))::float8
       end as used
  from valued`;

export interface SequenceRow {
  schema: string;
  sequence: string;
  table_name: string | null;
  column_name: string | null;
  readable: boolean;
  last_value: string | null;
  used: number | null;
}

/** Indexes left invalid (a failed CREATE INDEX CONCURRENTLY, or one being built right now). */
export const INVALID_INDEXES_SQL = `
select n.nspname as schema, t.relname as table_name, i.relname as index_name,
       pg_relation_size(i.oid)::float8 as size_bytes
  from pg_index x
  join pg_class i on i.oid = x.indexrelid
  join pg_class t on t.oid = x.indrelid
  join pg_namespace n on n.oid = i.relnamespace
 where not x.indisvalid
 order by size_bytes desc, schema, index_name`;

export interface IndexRow {
  schema: string;
  table_name: string;
  index_name: string;
  size_bytes: number;
}

/**
 * Valid indexes never scanned since the statistics were reset, except those that enforce
 * uniqueness or a constraint (they serve a purpose without being scanned).
 */
export const UNUSED_INDEXES_SQL = `
select s.schemaname as schema, s.relname as table_name, s.indexrelname as index_name,
       pg_relation_size(s.indexrelid)::float8 as size_bytes
  from pg_stat_user_indexes s
  join pg_index x on x.indexrelid = s.indexrelid
 where s.idx_scan = 0 and x.indisvalid and not x.indisunique and not x.indisprimary
   and not exists (select 1 from pg_constraint c where c.conindid = s.indexrelid)
 order by size_bytes desc, schema, index_name`;

/**
 * Non-unique indexes whose key columns (with their operator classes, collations and options,
 * expressions and predicate) are the leading key columns of another valid index of the same
 * table and access method: the other one serves every query the first one does. Of two
 * identical non-unique indexes only the newer is reported. indnkeyatts (key columns without
 * INCLUDE) exists from 11 on.
 */
export function duplicateIndexesQuery(versionNum: number): string {
  const keys = versionNum >= 110000 ? 'indnkeyatts' : 'indnatts';
  return `
with ix as (
  select x.indexrelid, x.indrelid, x.indisunique, x.${keys} as nkeys, c.relam,
         x.indkey::text as cols, x.indclass::text as classes, x.indcollation::text as collations,
         x.indoption::text as options,
         coalesce(pg_get_expr(x.indexprs, x.indrelid), '') as exprs,
         coalesce(pg_get_expr(x.indpred, x.indrelid), '') as pred
    from pg_index x join pg_class c on c.oid = x.indexrelid
   where x.indisvalid
)
select n.nspname as schema, t.relname as table_name, a.relname as index_name,
       string_agg(b.relname, ', ' order by b.relname) as covered_by,
       pg_relation_size(d.indexrelid)::float8 as size_bytes
  from ix d
  join ix o on o.indrelid = d.indrelid and o.indexrelid <> d.indexrelid and o.relam = d.relam
  join pg_class a on a.oid = d.indexrelid
  join pg_class b on b.oid = o.indexrelid
  join pg_class t on t.oid = d.indrelid
  join pg_namespace n on n.oid = a.relnamespace
 where not d.indisunique
   and d.nkeys <= o.nkeys
   and d.exprs = o.exprs and d.pred = o.pred
   and (o.cols = d.cols or o.cols like d.cols || ' %')
   and (o.classes = d.classes or o.classes like d.classes || ' %')
   and (o.collations = d.collations or o.collations like d.collations || ' %')
   and (o.options = d.options or o.options like d.options || ' %')
   and ((o.cols, o.classes, o.collations, o.options, o.nkeys)
          is distinct from (d.cols, d.classes, d.collations, d.options, d.nkeys)
        or o.indisunique or o.indexrelid < d.indexrelid)
 group by n.nspname, t.relname, a.relname, d.indexrelid
 order by size_bytes desc, schema, index_name`;
}

export interface DuplicateIndexRow extends IndexRow {
  /** The indexes that cover it, comma-separated. */
  covered_by: string;
}

/** Tables with many dead rows, the share of their rows that is dead, and their vacuum state. */
export const DEAD_TUPLES_SQL = `
select s.schemaname as schema, s.relname as table_name,
       s.n_live_tup::float8 as live, s.n_dead_tup::float8 as dead,
       s.n_dead_tup::float8 / nullif(s.n_live_tup + s.n_dead_tup, 0) as ratio,
       extract(epoch from greatest(s.last_vacuum, s.last_autovacuum))::float8 as last_vacuum_s,
       coalesce((select option_value::boolean from pg_options_to_table(c.reloptions)
                  where option_name = 'autovacuum_enabled'), true) as autovacuum_enabled
  from pg_stat_user_tables s
  join pg_class c on c.oid = s.relid
 where s.n_dead_tup >= $1
 order by ratio desc nulls last
 limit 100`;

export interface DeadTuplesRow {
  schema: string;
  table_name: string;
  live: number;
  dead: number;
  ratio: number;
  /** Epoch seconds of the last vacuum, manual or automatic. */
  last_vacuum_s: number | null;
  autovacuum_enabled: boolean;
}
