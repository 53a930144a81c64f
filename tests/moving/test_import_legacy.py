"""`oricol import oricol-legacy` on an installation where the original Oricol app ran: its tables (our own
rewrite of its migrations' schema, tests/moving/fixtures/legacy_migrations) in `public`, real users made
through the auth API, the app's documents in its `documents` bucket. The import maps them into the
helpdesk; people then see the result through supabase-py under the helpdesk's own RLS.

The tests run in order on one installation: a dry run, a failure half-way, the import, a re-run.
"""
from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import asyncpg
import pytest
from supabase import create_client

from tests.support.project import project_in_tmp

pytestmark = pytest.mark.system
FIXTURE = Path(__file__).parent / "fixtures" / "legacy_migrations"
PASSWORD = "correct horse battery staple"
PEOPLE = {"ada": ["admin"], "sam": ["support_staff", "user"], "cleo": ["ceo"], "uma": ["user"], "ron": []}
EXPECTED_ROLE = {"ada": "admin", "sam": "agent", "cleo": "manager", "uma": "requester", "ron": "requester"}
POLICY_PDF = b"%PDF-1.4 the travel policy " * 40


def sql(project, query: str, *args):
    async def go():
        conn = await asyncpg.connect(project.keys()["db_url"])
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()
    return asyncio.run(go())


def one(project, query: str, *args):
    return sql(project, query, *args)[0][0]


class Ids(dict):
    def __missing__(self, key):
        self[key] = uuid.uuid4()
        return self[key]


def seed(project, users: dict[str, str], ids: Ids) -> None:
    """The original app's rows, as its screens would have written them."""
    u = {name: uuid.UUID(user) for name, user in users.items()}
    sql(project, "insert into public.branches (id, name, address, city, state, postal_code) values "
                 "($1, 'Head Office', '1 Main Road', 'Cape Town', 'WC', '8001'), ($2, 'Durban', null, 'Durban', "
                 "null, null)", ids["b_head"], ids["b_durban"])
    for name, user in u.items():
        sql(project, "insert into public.profiles (id, user_id, full_name, email, branch_id) values ($1, $2, $3, $4, $5)",
            ids[f"p_{name}"], user, name.title() + " Legacy", f"{name}@example.com",
            ids["b_head"] if name == "uma" else None)
        for role in PEOPLE[name]:
            sql(project, "insert into public.user_roles (user_id, role) values ($1, $2)", user, role)
    sql(project, "update public.profiles set vpn_username = 'uma.vpn', vpn_password = 'uma-vpn-secret' where id = $1",
        ids["p_uma"])
    sql(project, "insert into public.tickets (id, title, description, status, priority, created_by, assigned_to, "
                 "branch, fault_type, error_code, ticket_code, created_at) values "
                 "($1, 'Printer jams', 'Paper tray 2', 'in_progress', 'medium', $2, $3, 'Durban', 'Printer', 'E42', "
                 "'TKT-2025-0001', now() - interval '30 days')", ids["t_printer"], ids["p_uma"], ids["p_sam"])
    sql(project, "insert into public.tickets (id, title, status, priority, created_by, resolved_at, created_at) values "
                 "($1, 'Laptop battery', 'closed', 'high', $2, now() - interval '9 days', now() - interval '10 days'), "
                 "($3, 'New mouse', 'open', 'low', $4, null, now() - interval '1 day')",
        ids["t_battery"], ids["p_ron"], ids["t_mouse"], ids["p_uma"])
    sql(project, "insert into public.ticket_comments (id, ticket_id, user_id, comment, created_at) values "
                 "($1, $2, $3, 'Looking into it', now() - interval '29 days'), "
                 "($4, $2, $5, 'Thanks!', now() - interval '28 days'), ($6, $7, $3, '   ', now())",
        ids["c_sam"], ids["t_printer"], ids["p_sam"], ids["c_uma"], ids["p_uma"], ids["c_blank"], ids["t_battery"])
    sql(project, "insert into public.assets (id, name, asset_tag, category, status, location, assigned_to) values "
                 "($1, 'Reception PC', 'OR-001', 'Desktop', 'active', 'Front desk', $2), "
                 "($3, 'Old scanner', 'TAKEN-1', 'Scanner', 'disposed', null, null)",
        ids["a_pc"], ids["p_uma"], ids["a_taken"])
    sql(project, "insert into public.hardware_inventory (id, device_name, device_type, serial_number, processor, "
                 "ram_gb, assigned_to, branch, deleted_manually) values "
                 "($1, 'UMA-LAPTOP', 'Laptop', 'SN-778', 'i7-1165G7', 16, $2, 'Head Office', false), "
                 "($3, 'GONE-PC', 'Desktop', null, null, null, null, null, true)",
        ids["h_laptop"], u["uma"], ids["h_gone"])
    sql(project, "insert into public.licenses (id, license_name, license_type, vendor, license_key, total_seats, "
                 "used_seats, assigned_to, cost) values ($1, 'Microsoft 365 Business', 'Microsoft 365', 'Microsoft', "
                 "'KEY-123', 10, 4, $2, 199.99)", ids["l_m365"], u["uma"])
    sql(project, "insert into public.network_devices (id, branch_id, device_name, device_type, ip_address, model) "
                 "values ($1, $2, 'Core switch', 'Switch', '10.0.0.2', 'GS724T'), "
                 "($3, $2, 'File box', 'NAS', 'not-an-ip', null)", ids["n_switch"], ids["b_head"], ids["n_nas"])
    sql(project, "insert into public.vpn_rdp_credentials (id, username, password, service_type, email, "
                 "encrypted_password) values ($1, 'office-vpn', 'vpn-pass-1', 'VPN', 'it@example.com', null), "
                 "($2, 'server-rdp', '***ENCRYPTED***', 'RDP', null, 'ww0EBwMC')", ids["v_vpn"], ids["v_rdp"])
    sql(project, "insert into public.documents (id, filename, original_filename, file_type, file_size, storage_path, "
                 "category, tags, uploaded_by) values "
                 "($1, 'x1.pdf', 'Travel policy.pdf', 'application/pdf', $2, 'general/policy.pdf', 'policies', "
                 "array['hr'], $3), ($4, 'x2.pdf', 'Lost.pdf', 'application/pdf', 10, 'general/lost.pdf', 'general', "
                 "null, $3)", ids["d_policy"], len(POLICY_PDF), u["ada"], ids["d_lost"])
    sql(project, "insert into public.chat_messages (id, user_id, user_name, user_email, message, is_support_reply, "
                 "created_at) values ($1, $2, 'Uma', 'uma@example.com', 'hello, anyone?', false, now() - interval '3 h'), "
                 "($3, null, 'Walk-in', 'walkin@example.com', 'is the wifi down?', false, now() - interval '2 h'), "
                 "($4, $5, 'Sam', null, 'Yes, back in 5 minutes', true, now() - interval '1 h')",
        ids["m_uma"], u["uma"], ids["m_visitor"], ids["m_sam"], u["sam"])
    sql(project, "insert into public.crm_companies (name) values ('Acme')")
    # An asset of the helpdesk's own already holds one of the original tags.
    sql(project, "insert into helpdesk.assets (tag, name) values ('TAKEN-1', 'Made here')")


@pytest.fixture(scope="module")
def installation():
    with project_in_tmp(migrations=FIXTURE) as project:
        project.cli("init")
        project.start(timeout=180)
        keys = project.keys()
        admin = create_client(project.url, keys["service_role_key"])
        users = {}
        for name in PEOPLE:
            created = admin.auth.admin.create_user({"email": f"{name}@example.com", "password": PASSWORD,
                                                    "email_confirm": True})
            users[name] = created.user.id
        ids = Ids()
        seed(project, users, ids)
        admin.storage.from_("documents").upload("general/policy.pdf", POLICY_PDF, {"content-type": "application/pdf"})
        yield project, users, ids


def run_import(project, *extra: str, check: bool = True):
    return project.cli("import", "oricol-legacy", *extra, check=check, timeout=300)


def signed_in(project, name: str):
    client = create_client(project.url, project.keys()["anon_key"])
    client.auth.sign_in_with_password({"email": f"{name}@example.com", "password": PASSWORD})
    return client


def state(project) -> dict:
    """What an import changes, to compare before and after."""
    return {
        "roles": sorted(tuple(r) for r in sql(project, "select email, role::text from helpdesk.members")),
        "tickets": one(project, "select count(*) from helpdesk.tickets"),
        "assets": one(project, "select count(*) from helpdesk.assets"),
        "credentials": one(project, "select count(*) from helpdesk.credentials"),
        "documents": one(project, "select count(*) from helpdesk.documents"),
        "objects": sorted(tuple(r) for r in sql(project, "select bucket_id, name from storage.objects")),
        "chat": one(project, "select count(*) from helpdesk.chat_messages"),
        "mail": one(project, "select count(*) from helpdesk.notification_outbox"),
    }


def test_plan_prints_counts_and_the_report_and_changes_nothing(installation):
    project, _, ids = installation
    before = state(project)
    planned = run_import(project, "--plan")
    out = planned.stdout
    assert "members: 5 (1 admin, 1 manager, 1 agent, 2 requester)" in out, out
    assert "tickets: 3, comments: 2" in out and "vault secrets: 2" in out and "chat messages: 3" in out
    assert "assets: 2, licences: 1, network devices: 2" in out
    assert f"public.ticket_comments {ids['c_blank']}: the comment is empty" in out
    assert "public.crm_companies: 1 rows" in out
    assert state(project) == before
    assert one(project, "select to_regclass('oricol_import.legacy_rows') is null")
    unconfirmed = run_import(project, check=False)  # no terminal and no --yes: nothing happens
    assert unconfirmed.returncode == 1 and "--yes" in unconfirmed.stderr
    assert state(project) == before


def test_a_failure_half_way_leaves_everything_as_it_was(installation):
    project, _, _ = installation
    before = state(project)
    # Licences are written after members, tickets and assets: make that insert fail, even in replica mode.
    sql(project, "create function public.sabotage() returns trigger language plpgsql as "
                 "$$ begin raise exception 'the disk is full (sabotage)'; end $$")
    sql(project, "create trigger sabotage before insert on helpdesk.licences for each row "
                 "execute function public.sabotage()")
    sql(project, "alter table helpdesk.licences enable always trigger sabotage")
    try:
        failed = run_import(project, "--yes", check=False)
    finally:
        sql(project, "drop trigger sabotage on helpdesk.licences")
        sql(project, "drop function public.sabotage()")
    assert failed.returncode == 1 and "the disk is full (sabotage)" in failed.stderr, failed.stdout + failed.stderr
    assert "Traceback" not in failed.stderr
    assert state(project) == before
    assert one(project, "select to_regclass('oricol_import.legacy_rows') is null")


def test_import_maps_people_tickets_inventory_vault_documents_and_chat(installation):
    project, users, ids = installation
    mail_before = one(project, "select count(*) from helpdesk.notification_outbox")
    done = run_import(project, "--yes")
    out = done.stdout
    assert "Imported" in out and "rows not mapped" in out, out + done.stderr
    for legacy_id, why in ((ids["v_rdp"], "encrypted by the original app"),
                           (ids["d_lost"], "general/lost.pdf is not in this installation's storage"),
                           (ids["a_taken"], "asset tag 'TAKEN-1' is already used"),
                           (ids["h_gone"], "deleted by hand"), (ids["c_blank"], "the comment is empty")):
        assert f"{legacy_id}: " in out and why in out, (legacy_id, why, out)

    clients = {name: signed_in(project, name) for name in PEOPLE}
    for name, role in EXPECTED_ROLE.items():  # the helpdesk's own answer to "who am I"
        assert clients[name].schema("helpdesk").rpc("my_role", {}).execute().data == role, name
    uma = clients["uma"].schema("helpdesk")
    assert uma.table("members").select("full_name, branch:branches(name)").eq("user_id", users["uma"]) \
        .execute().data == [{"full_name": "Uma Legacy", "branch": {"name": "Head Office"}}]

    # Tickets keep their ids, get numbers, and carry the original reference; uma sees her own two.
    mine = uma.table("tickets").select("id, number, status, priority, description, assignee_id") \
        .order("created_at").execute().data
    assert [t["id"] for t in mine] == [str(ids["t_printer"]), str(ids["t_mouse"])]
    printer = mine[0]
    assert printer["number"].startswith("HD-") and printer["status"] == "open" and printer["priority"] == "normal"
    assert "TKT-2025-0001" in printer["description"] and "Fault type: Printer" in printer["description"]
    assert "Branch: Durban" not in printer["description"]  # Durban is a branch now
    assert printer["assignee_id"] == users["sam"]
    comments = uma.table("ticket_comments").select("body, author_id").eq("ticket_id", printer["id"]) \
        .order("created_at").execute().data
    assert comments == [{"body": "Looking into it", "author_id": users["sam"]},
                        {"body": "Thanks!", "author_id": users["uma"]}]
    found = uma.rpc("search_tickets", {"q": "TKT-2025-0001"}).select("id").execute().data
    assert [t["id"] for t in found] == [printer["id"]]
    events = sql(project, "select kind, old_value, new_value from helpdesk.ticket_events where ticket_id = $1 "
                          "order by id", ids["t_printer"])
    assert [e["kind"] for e in events] == ["created", "imported"]
    assert str(ids["t_printer"]) in events[1]["old_value"] and events[1]["new_value"] == printer["number"]
    battery = sql(project, "select status::text, closed_at is not null as closed from helpdesk.tickets where id = $1",
                  ids["t_battery"])[0]
    assert tuple(battery) == ("closed", True)
    # History is not news: nobody was mailed about years-old tickets.
    assert one(project, "select count(*) from helpdesk.notification_outbox") == mail_before

    # Branches, assets (both original lists), licences and network devices, as an agent sees them.
    sam = clients["sam"].schema("helpdesk")
    branches = {b["name"]: b for b in sam.table("branches").select("name, address, city").execute().data}
    assert branches["Head Office"] == {"name": "Head Office", "address": "1 Main Road, WC, 8001", "city": "Cape Town"}
    assets = {a["tag"]: a for a in sam.table("assets").select("tag, name, status, assigned_to, custom, "
                                                              "branch:branches(name)").execute().data}
    assert assets["OR-001"]["assigned_to"] == users["uma"] and assets["OR-001"]["status"] == "deployed"
    assert assets["OR-001"]["custom"] == {"location": "Front desk"}
    laptop = assets[f"HW-{str(ids['h_laptop'])[:8].upper()}"]
    assert laptop["custom"]["processor"] == "i7-1165G7" and laptop["branch"] == {"name": "Head Office"}
    assert assets["TAKEN-1"]["name"] == "Made here"  # untouched
    licence = sam.table("licences").select("name, seats, notes, licence_assignments(member_id)").execute().data
    assert licence[0]["seats"] == 10 and "Licence key: KEY-123" in licence[0]["notes"]
    assert licence[0]["licence_assignments"] == [{"member_id": users["uma"]}]
    devices = {d["name"]: d for d in sam.table("network_devices").select("name, kind, ip_address, notes").execute().data}
    assert devices["Core switch"]["kind"] == "switch" and devices["Core switch"]["ip_address"] == "10.0.0.2"
    assert devices["File box"]["kind"] == "other" and "IP address: not-an-ip" in devices["File box"]["notes"]

    # The vault: sealed at rest, revealed only through the helpdesk's own audited function, to admins.
    secrets = {r["name"]: r["id"] for r in sql(project, "select name, id from helpdesk.credentials")}
    assert set(secrets) == {"VPN office-vpn", "VPN Uma Legacy"}
    assert one(project, "select count(*) from helpdesk.credentials where position('vpn-pass-1'::bytea in secret) > 0 "
                        "or new_secret is not null") == 0
    ada = clients["ada"].schema("helpdesk")
    assert ada.rpc("reveal_credential", {"id": str(secrets["VPN office-vpn"])}).execute().data == "vpn-pass-1"
    assert ada.rpc("reveal_credential", {"id": str(secrets["VPN Uma Legacy"])}).execute().data == "uma-vpn-secret"
    for name in ("sam", "uma"):
        with pytest.raises(Exception, match="only an admin"):
            clients[name].schema("helpdesk").rpc("reveal_credential", {"id": str(secrets["VPN office-vpn"])}).execute()

    # Documents: the file moved to the helpdesk's bucket; staff download it, a requester cannot.
    document = sam.table("documents").select("name, folder, bucket, object_path, tags").execute().data
    assert document == [{"name": "Travel policy.pdf", "folder": "/policies", "bucket": "helpdesk-documents",
                         "object_path": "general/policy.pdf", "tags": ["hr"]}]
    assert clients["sam"].storage.from_("helpdesk-documents").download("general/policy.pdf") == POLICY_PDF
    with pytest.raises(Exception):  # noqa: B017 - storage3 raises its own error class for the refusal
        clients["uma"].storage.from_("helpdesk-documents").download("general/policy.pdf")
    assert one(project, "select count(*) from storage.objects where bucket_id = 'documents'") == 0

    chat = sam.table("chat_messages").select("body, author_id").order("created_at").execute().data
    assert chat == [{"body": "hello, anyone?", "author_id": users["uma"]},
                    {"body": "Walk-in <walkin@example.com>: is the wifi down?", "author_id": None},
                    {"body": "Yes, back in 5 minutes", "author_id": users["sam"]}]


def test_a_second_run_duplicates_nothing_and_brings_what_is_new(installation):
    project, users, ids = installation
    before = state(project)
    again = run_import(project, "--yes")
    assert "Nothing new to import" in again.stdout and "already imported by an earlier run" in again.stdout
    assert state(project) == before
    sql(project, "insert into public.tickets (id, title, created_by) values ($1, 'Monitor flickers', $2)",
        ids["t_new"], ids["p_ron"])
    newer = run_import(project, "--yes")
    assert "tickets: 1, comments: 0" in newer.stdout, newer.stdout
    after = state(project)
    assert after["tickets"] == before["tickets"] + 1 and after["assets"] == before["assets"]
    ron = signed_in(project, "ron").schema("helpdesk")
    assert {t["title"] for t in ron.table("tickets").select("title").execute().data} == \
        {"Laptop battery", "Monitor flickers"}


def test_another_database_by_url_finds_people_by_email(installation):
    """The original tables in another database (its own user ids): people are matched here by email, and one
    who has no account here is reported, not invented."""
    project, users, _ = installation
    keys = project.keys()
    sql(project, "create database legacy_elsewhere")
    source_url = keys["db_url"].rsplit("/", 1)[0] + "/legacy_elsewhere"

    async def build():
        conn = await asyncpg.connect(source_url)
        try:  # the two tables of Supabase's that the original app's migrations refer to
            await conn.execute("create schema auth; create table auth.users (id uuid primary key, email text); "
                               "create schema storage; create table storage.buckets (id text primary key, "
                               "name text, public boolean)")
            await conn.execute((FIXTURE / "20251108000000_original_oricol.sql").read_text())
            theirs = {"uma": uuid.uuid4(), "zed": uuid.uuid4()}
            for name, user in theirs.items():
                await conn.execute("insert into auth.users (id, email) values ($1, $2)", user, f"{name}@example.com")
                await conn.execute("insert into public.profiles (id, user_id, full_name, email) "
                                   "values ($1, $1, $2, $3)", user, name, f"{name}@example.com")
            await conn.execute("insert into public.user_roles (user_id, role) values ($1, 'support_staff')",
                               theirs["uma"])
            await conn.execute("insert into public.tickets (title, created_by) values ('Elsewhere ticket', $1)",
                               theirs["uma"])
            return theirs
        finally:
            await conn.close()

    theirs = asyncio.run(build())
    done = run_import(project, "--db-url", source_url, "--yes")
    assert f"public.profiles {theirs['zed']}: user {theirs['zed']} (zed@example.com) is not a user here" in done.stdout
    assert one(project, "select role::text from helpdesk.members where user_id = $1", uuid.UUID(users["uma"])) == "agent"
    assert one(project, "select requester_id::text from helpdesk.tickets where title = 'Elsewhere ticket'") == users["uma"]
    assert one(project, "select count(*) from auth.users where email = 'zed@example.com'") == 0
