"""Moving in and out: `oricol import supabase` brings a Supabase project (database, auth users with their
password hashes, storage buckets, policies and objects) into this installation. It sits beside the CLI
in the composition layer: it drives the backup package's PostgreSQL tools and the shared object store."""
