"""The vault: secrets sealed at rest, only admins read or reveal them, every reveal audited. Storage:
ticket attachments follow the ticket's visibility; documents are staff-only."""
from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from postgrest.exceptions import APIError
from storage3.exceptions import StorageApiError


async def _raw_credential(live, credential_id: str) -> dict:
    conn = await asyncpg.connect(live.config.core.database_url)
    try:
        return dict(await conn.fetchrow("select secret, new_secret from helpdesk.credentials where id = $1::uuid",
                                        credential_id))
    finally:
        await conn.close()


def test_vault_secret_is_sealed_and_revealed_only_to_admins(org, live):
    secret = f"Wh0-knows-{org.tag}-ünïcode"
    row = org["admin"].hd.table("credentials").insert(
        {"name": f"VPN {org.tag}", "kind": "vpn", "username": "svc-vpn", "new_secret": secret}).execute().data[0]
    assert row["new_secret"] is None and row["created_by"] == org["admin"].user_id
    stored = asyncio.run(_raw_credential(live, row["id"]))
    assert stored["new_secret"] is None
    assert secret.encode() not in stored["secret"] and org.tag.encode() not in stored["secret"]
    assert stored["secret"][:2] == b"v1"
    for key in ("req_a", "agent", "manager"):
        assert org[key].hd.table("credentials").select("*").eq("id", row["id"]).execute().data == [], key
        with pytest.raises(APIError) as error:
            org[key].hd.rpc("reveal_credential", {"id": row["id"]}).execute()
        assert error.value.code == "42501", key
        with pytest.raises(APIError):
            org[key].hd.table("credentials").insert({"name": "mine", "new_secret": "x"}).execute()
    assert org["admin"].hd.rpc("reveal_credential", {"id": row["id"]}).execute().data == secret
    log = org["admin"].hd.table("audit_log").select("action,actor_id").eq("entity_id", row["id"]).execute().data
    assert {"action": "credential.reveal", "actor_id": org["admin"].user_id} in log
    # a new secret replaces the old one, sealed again
    org["admin"].hd.table("credentials").update({"new_secret": "rotated"}).eq("id", row["id"]).execute()
    assert org["admin"].hd.rpc("reveal_credential", {"id": row["id"]}).execute().data == "rotated"


def test_the_sealing_functions_are_out_of_reach(org):
    for name, args in (("vault_decrypt", {"sealed": "\\x00"}), ("vault_encrypt", {"plain": "x"}),
                       ("matching_tickets", {"q": org.tag})):
        for key in ("admin", "req_a"):
            with pytest.raises(APIError) as error:
                org[key].client.schema("helpdesk_private").rpc(name, args).execute()
            assert error.value.code == "PGRST106", (name, key)  # the schema is not exposed


def _bucket(person):
    return person.client.storage.from_("helpdesk-attachments")


def test_attachments_follow_the_ticket(org, tickets):
    a_path = f"{tickets['a']['id']}/{uuid.uuid4()}-photo.txt"
    _bucket(org["req_a"]).upload(a_path, b"A's attachment", {"content-type": "text/plain"})
    org["req_a"].hd.table("ticket_attachments").insert(
        {"ticket_id": tickets["a"]["id"], "object_path": a_path, "file_name": "photo.txt",
         "uploaded_by": org["req_a"].user_id}).execute()
    assert _bucket(org["agent"]).download(a_path) == b"A's attachment"
    assert _bucket(org["manager"]).download(a_path) == b"A's attachment"
    with pytest.raises(StorageApiError):
        _bucket(org["req_b"]).download(a_path)
    assert _bucket(org["req_b"]).list(tickets["a"]["id"]) == []
    assert org["req_b"].hd.table("ticket_attachments").select("id").eq("ticket_id", tickets["a"]["id"]).execute().data == []
    with pytest.raises(StorageApiError):  # B cannot put files on A's ticket
        _bucket(org["req_b"]).upload(f"{tickets['a']['id']}/{uuid.uuid4()}-x.txt", b"x", {"content-type": "text/plain"})
    with pytest.raises(StorageApiError):  # nor outside any ticket folder
        _bucket(org["req_b"]).upload(f"loose/{uuid.uuid4()}.txt", b"x", {"content-type": "text/plain"})
    with pytest.raises(StorageApiError):  # managers change nothing
        _bucket(org["manager"]).upload(f"{tickets['a']['id']}/{uuid.uuid4()}-m.txt", b"x", {"content-type": "text/plain"})


def test_attachment_of_an_internal_note_is_hidden_from_the_requester(org, tickets):
    note = org["agent"].hd.table("ticket_comments").insert(
        {"ticket_id": tickets["a"]["id"], "body": "log attached", "internal": True}).execute().data[0]
    path = f"{tickets['a']['id']}/{uuid.uuid4()}-server.log"
    _bucket(org["agent"]).upload(path, b"internal log", {"content-type": "text/plain"})
    org["agent"].hd.table("ticket_attachments").insert(
        {"ticket_id": tickets["a"]["id"], "comment_id": note["id"], "object_path": path, "file_name": "server.log",
         "uploaded_by": org["agent"].user_id}).execute()
    assert _bucket(org["manager"]).download(path) == b"internal log"
    with pytest.raises(StorageApiError):
        _bucket(org["req_a"]).download(path)
    visible = org["req_a"].hd.table("ticket_attachments").select("object_path").eq("ticket_id", tickets["a"]["id"]).execute()
    assert path not in {r["object_path"] for r in visible.data}


def test_documents_are_for_staff(org):
    path = f"policies/{org.tag}-acceptable-use.txt"
    org["agent"].client.storage.from_("helpdesk-documents").upload(path, b"be nice", {"content-type": "text/plain"})
    assert org["manager"].client.storage.from_("helpdesk-documents").download(path) == b"be nice"
    with pytest.raises(StorageApiError):
        org["req_a"].client.storage.from_("helpdesk-documents").download(path)
    with pytest.raises(StorageApiError):
        org["manager"].client.storage.from_("helpdesk-documents").upload(f"policies/{org.tag}-m.txt", b"x",
                                                                {"content-type": "text/plain"})
