"""Documents and the live chat.

A document's file is moved, not copied: its object (in this installation's storage, where the original
app or `oricol import supabase` put it) changes bucket to `helpdesk-documents` under the same path, in
the same transaction as the rows. The bytes stay where they are (the object store files them by the
object's id and version), so a move is instant and a failed import moves nothing back or forth.

The original app's live chat was one room for everybody, with no thread per person: it becomes one
closed helpdesk conversation, each message keeping its author (or, for visitors who were not users,
the name they typed) and its time.
"""
from __future__ import annotations

from typing import Any

from .legacy_plan import DOCUMENTS_BUCKET, Context, joined, new_id, text

CHAT_KEY = ("chat_messages", "live-chat")  # the bookkeeping entry of the one conversation


def map_documents(ctx: Context) -> None:
    taken = {name for bucket, name in ctx.target.objects if bucket == DOCUMENTS_BUCKET}
    for row in ctx.legacy.of("documents"):
        if ctx.seen("documents", row):
            continue
        bucket, path = text(row.get("storage_bucket")) or "documents", text(row.get("storage_path"))
        if path is None or (bucket, path) not in ctx.target.objects:
            ctx.plan.skip("documents", row["id"], f"its file {bucket}/{path} is not in this installation's storage "
                                                  "(bring the project's storage with `oricol import supabase`)")
            continue
        if path in taken:
            ctx.plan.skip("documents", row["id"], f"{DOCUMENTS_BUCKET}/{path} already holds another file")
            continue
        taken.add(path)
        ctx.plan.moves.append((bucket, path, path))
        ctx.plan.add("documents", {
            "id": str(row["id"]), "folder": "/" + (text(row.get("category")) or "general"),
            "name": text(row.get("original_filename")) or text(row.get("filename")) or path.rsplit("/", 1)[-1],
            "bucket": DOCUMENTS_BUCKET, "object_path": path, "content_type": text(row.get("file_type")),
            "size_bytes": row.get("file_size"), "tags": [t for t in row.get("tags") or [] if t],
            "uploaded_by": ctx.member(row.get("uploaded_by")), "created_at": row.get("created_at"),
        })
        ctx.plan.record("documents", row["id"], row["id"])


def map_chat(ctx: Context) -> None:
    messages = sorted(ctx.legacy.of("chat_messages"), key=lambda r: (r.get("created_at") or "", str(r["id"])))
    conversation = ctx.target.imported.get(CHAT_KEY)
    fresh: list[dict[str, Any]] = []
    for row in messages:
        if ctx.seen("chat_messages", row):
            continue
        message = text(row.get("message"))
        if message is None:
            ctx.plan.skip("chat_messages", row["id"], "the message is empty")
            continue
        author = ctx.member(row.get("user_id"))
        who = joined(text(row.get("user_name")), f"<{row['user_email']}>" if text(row.get("user_email")) else None,
                     sep=" ")
        fresh.append({"id": new_id(), "author_id": author, "created_at": row.get("created_at"),
                      "body": message if author or not who else f"{who}: {message}"})
        ctx.plan.record("chat_messages", row["id"], fresh[-1]["id"])
    if not fresh:
        return
    if conversation is None:
        conversation = new_id()
        ctx.plan.add("chat_conversations", {
            "id": conversation, "subject": "Live chat (imported from the original Oricol app)", "status": "closed",
            "created_at": fresh[0]["created_at"], "last_message_at": fresh[-1]["created_at"]})
        ctx.plan.record(*CHAT_KEY, conversation)
    for entry in fresh:
        ctx.plan.add("chat_messages", {**entry, "conversation_id": conversation})
