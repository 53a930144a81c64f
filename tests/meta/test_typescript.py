"""/pg/generators/typescript: the types `supabase gen types typescript` writes, checked on their key parts
and compiled by the TypeScript compiler against the pinned supabase-js, with typed queries that must
type-check and mistakes that must not."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.support import pg
from tests.support.node import JS_DIR, ensure_installed

MORE = """
create type public.mood as enum ('sad', 'ok', 'happy');
create type public.point2 as (x float8, y float8);
create table public.gadgets (
  id int generated always as identity primary key,
  name varchar(40) not null,
  feeling public.mood not null default 'ok',
  moods public.mood[],
  spot public.point2,
  width int not null,
  double_width int generated always as (width * 2) stored,
  seen timestamptz,
  "needs quote" text
);
create view public.gadget_names as select id, name, upper(name) as loud from public.gadgets;
create view public.book_titles as select id, title, author_id from public.books;
create view public.book_refs as select id as book, author_id as writer from public.books;
create function public.gadgets_in_mood(m public.mood) returns setof public.gadgets language sql stable as
  $$ select * from public.gadgets where feeling = m $$;
"""


@pytest.fixture
async def types_db(seeded):
    await pg.run_sql(seeded, MORE)
    return seeded


@pytest.fixture
def config(types_db, config):
    return config


async def generate(meta, query: str = "") -> str:
    response = await meta.get(f"/pg/generators/typescript{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"  # the bare source, as postgres-meta
    return response.text


async def test_public_types_key_parts(meta):
    ts = await generate(meta, "?included_schemas=public")
    assert ts.startswith("export type Json =\n")
    assert "export type Database = {\n" in ts
    assert '  __InternalSupabase: {\n    PostgrestVersion: "12"\n  }\n' in ts
    assert "  public: {\n    Tables: {\n" in ts and "inventory" not in ts.split("export type Database")[1]
    # Row: nullability; Insert: optional when nullable, defaulted or identity; Update: all optional.
    assert ("      books: {\n        Row: {\n          author_id: number | null\n          during: unknown\n"
            "          editor_id: number | null\n          id: number\n          meta: Json | null\n") in ts
    assert "          tags: string[] | null\n          title: string\n" in ts
    assert "        Insert: {\n          author_id?: number | null\n" in ts
    assert "          id?: number\n          meta?: Json | null\n" in ts
    assert "          title: string\n        }\n        Update: {\n" in ts
    assert "          title?: string\n        }\n        Relationships: [\n" in ts
    assert ('          {\n            foreignKeyName: "books_author_fk"\n            columns: ["author_id"]\n'
            '            referencedRelation: "authors"\n            referencedColumns: ["id"]\n          },\n') in ts
    # identity always: never insertable; generated column: optional (it has a default expression).
    assert '          id?: never\n' in ts
    assert "          double_width?: number | null\n" in ts
    assert '          feeling: Database["public"]["Enums"]["mood"]\n' in ts
    assert '          moods: Database["public"]["Enums"]["mood"][] | null\n' in ts
    assert '          spot: Database["public"]["CompositeTypes"]["point2"] | null\n' in ts
    assert '          "needs quote": string | null\n' in ts
    assert "          name: string\n" in ts  # varchar
    # Views (updatable ones get Insert/Update), computed fields, functions and overloads.
    assert "      gadget_names: {\n        Row: {\n          id: number | null\n" in ts
    assert ("        Insert: {\n          id?: number | null\n          loud?: never\n          name?: string | null\n"
            "        }\n        Update: {\n") in ts
    assert "          title_upper: string | null\n" in ts
    # Keys followed through views that keep the key's columns: view to table, table to view, view to view.
    view_part = ts.split("      book_titles: {")[1].split("      gadget_names: {")[0]
    assert ('            foreignKeyName: "books_author_fk"\n            columns: ["author_id"]\n'
            '            referencedRelation: "author_names"\n') in view_part
    assert ('            foreignKeyName: "books_author_fk"\n            columns: ["author_id"]\n'
            '            referencedRelation: "authors"\n') in view_part
    assert "books_editor_fk" not in view_part  # editor_id is not in the view
    renamed = ts.split("      book_refs: {")[1].split("      book_titles: {")[0]
    assert ('            foreignKeyName: "books_author_fk"\n            columns: ["writer"]\n'
            '            referencedRelation: "authors"\n') in renamed
    books_part = ts.split("      books: {")[1].split("      comments: {")[0]
    assert '            referencedRelation: "author_names"\n            referencedColumns: ["id"]\n' in books_part
    assert ("      add_them:\n        | {\n            Args: {\n              a: number\n              b: number\n"
            "            }\n            Returns: number\n          }\n") in ts
    assert "      nothing: {\n        Args: never\n        Returns: undefined\n      }\n" in ts
    assert "      total: {\n        Args: {\n          nums: number[]\n        }\n" in ts
    assert "      echo_json: {\n        Args: {\n          \"\": Json\n        }\n        Returns: Json\n" in ts
    assert "        Returns: {\n          label: string\n          len: number\n        }[]\n" in ts
    assert ('        SetofOptions: {\n          from: "*"\n          to: "books"\n          isOneToOne: false\n'
            "          isSetofReturn: true\n        }\n") in ts
    assert '    Enums: {\n      mood: "sad" | "ok" | "happy"\n    }\n' in ts
    assert ("    CompositeTypes: {\n      point2: {\n        x: number | null\n        y: number | null\n"
            "      }\n    }\n") in ts
    for helper in ("Tables<", "TablesInsert<", "TablesUpdate<", "Enums<", "CompositeTypes<"):
        assert f"export type {helper}" in ts
    assert 'export const Constants = {\n  public: {\n    Enums: {\n      mood: ["sad", "ok", "happy"],\n' in ts
    assert ts.rstrip().endswith("} as const")


async def test_schema_filters_one_to_one_and_empty_sections(meta):
    ts = await generate(meta, "?included_schemas=inventory&detect_one_to_one_relationships=true")
    assert "  inventory: {\n" in ts and "  public: {" not in ts
    assert "    Views: {\n      [_ in never]: never\n    }\n" in ts
    assert "    Functions: {\n      [_ in never]: never\n    }\n" in ts
    assert '      condition: "new" | "used" | "broken"\n' in ts
    assert "          state?: Database[\"inventory\"][\"Enums\"][\"condition\"]\n" in ts
    # The referenced table is in another schema: upstream lists only same-schema keys.
    assert "        Relationships: []\n" in ts
    # Nothing in public yet the default-schema helpers still compile (Extract gives never).
    everything = await generate(meta, "?excluded_schemas=inventory,auth,storage&detect_one_to_one_relationships=true")
    assert "  inventory: {" not in everything and "  public: {" in everything
    assert "            isOneToOne: true\n            referencedRelation: \"authors\"\n" in everything  # author_profiles
    assert "            isOneToOne: false\n" in everything


async def test_anon_cannot_generate(client):
    response = await client.get("/pg/generators/typescript")
    assert response.status_code == 403


APP = """
import { createClient } from "@supabase/supabase-js"
import type { Database, Tables, TablesInsert, TablesUpdate, Enums, CompositeTypes } from "./database.types"
import { Constants } from "./database.types"

const supabase = createClient<Database>("http://localhost:8000", "anon-key")

export async function typed(): Promise<void> {
  const { data: book } = await supabase
    .from("books")
    .select("id, title, price, author:authors!books_author_fk(name)")
    .eq("id", 1)
    .single()
  if (book) {
    const title: string = book.title
    const price: number | null = book.price
    const author: string | undefined = book.author?.name
    // @ts-expect-error books have no isbn column
    book.isbn
    void [title, price, author]
  }
  const { data: viewRows } = await supabase.from("book_titles").select("title, authors(name)")
  const viewAuthor: string | undefined = viewRows?.[0]?.authors?.name
  const row: TablesInsert<"books"> = { title: "New" }
  await supabase.from("books").insert(row)
  // @ts-expect-error title is required on insert
  const missing: TablesInsert<"books"> = { pages: 3 }
  const patch: TablesUpdate<"gadgets"> = { width: 3 }
  // @ts-expect-error an identity ALWAYS column cannot be written
  const identity: TablesInsert<"gadgets"> = { id: 1, name: "x", width: 1 }
  await supabase.from("gadgets").update(patch).eq("id", 1)
  const feeling: Enums<"mood"> = "happy"
  // @ts-expect-error not a value of the enum
  const wrong: Enums<"mood"> = "angry"
  const moods: readonly string[] = Constants.public.Enums.mood
  const spot: CompositeTypes<"point2"> = { x: 1, y: null }
  const gadget: Tables<"gadgets"> | null = null
  const { data: sum } = await supabase.rpc("add_them", { a: 1, b: 2 })
  const total: number | null = sum
  // @ts-expect-error a string is not an int argument
  await supabase.rpc("add_them", { a: "1", b: 2 })
  const { data: labels } = await supabase.rpc("label_names")
  const first: string | undefined = labels?.[0]?.label
  const { data: happy } = await supabase.rpc("gadgets_in_mood", { m: "happy" }).select("name")
  const names: string[] = (happy ?? []).map((g) => g.name)
  void [viewAuthor, missing, identity, feeling, wrong, moods, spot, gadget, total, first, names]
}
"""

TSCONFIG = """{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler",
    "lib": ["ES2022", "DOM"], "skipLibCheck": true, "types": []
  },
  "files": ["app.ts"]
}
"""


def compile_with_supabase_js(types: str, app: str = APP) -> subprocess.CompletedProcess:
    """tsc --noEmit over the generated types and `app`, in a folder inside tests/js so the pinned
    supabase-js and typescript resolve."""
    ensure_installed()
    folder = Path(tempfile.mkdtemp(prefix="tsgen-", dir=JS_DIR))
    try:
        (folder / "database.types.ts").write_text(types)
        (folder / "app.ts").write_text(app)
        (folder / "tsconfig.json").write_text(TSCONFIG)
        return subprocess.run([shutil.which("npx") or "npx", "--no-install", "tsc", "--noEmit", "-p", str(folder)],
                              cwd=JS_DIR, capture_output=True, text=True, timeout=180, env=dict(os.environ))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def test_generated_types_compile_with_supabase_js(meta):
    types = await generate(meta, "?included_schemas=public,inventory&detect_one_to_one_relationships=true")
    result = compile_with_supabase_js(types)
    assert result.returncode == 0, result.stdout + result.stderr
    # Every schema (auth, storage, ... included) is still valid TypeScript.
    result = compile_with_supabase_js(await generate(meta))
    assert result.returncode == 0, result.stdout + result.stderr
    # The check is real: a query on a column that does not exist is a compile error.
    broken = APP.replace('.select("name")', '.select("nam")').replace("(g) => g.name", "(g) => g.nam")
    result = compile_with_supabase_js(types, broken)
    assert result.returncode != 0 and "nam" in result.stdout, result.stdout + result.stderr
