"""People and their secrets: the original app's profiles and user_roles become helpdesk members (role,
name, branch), and its plain-text VPN/RDP passwords (the vpn_rdp_credentials table and the vpn_/rdp_
columns of profiles) become vault entries, sealed by the helpdesk's own vault function when written.

The original app encrypted vpn_rdp_credentials with pgcrypto in a later migration, leaving the
placeholder `***ENCRYPTED***` in `password`; its key stays with that database, so such rows are
reported, not guessed at.
"""
from __future__ import annotations

from typing import Any

from .legacy_plan import ROLE_OF, ROLE_ORDER, Context, extras, joined, new_id, text

ENCRYPTED_PLACEHOLDER = "***ENCRYPTED***"
KIND_OF_SERVICE = {"vpn": "vpn", "rdp": "rdp"}


def map_members(ctx: Context) -> None:
    roles = _roles_by_user(ctx)
    profiles = {str(p["user_id"]): p for p in ctx.legacy.of("profiles") if p.get("user_id")}
    for legacy_user in sorted(set(profiles) | set(roles)):
        profile = profiles.get(legacy_user)
        user = ctx.local_user(legacy_user)
        if profile is not None and user is not None:
            ctx.ids.set("profiles", profile["id"], user)
        if ("users", legacy_user) in ctx.target.imported:
            ctx.plan.already += 1
            continue
        if user is None:
            table, legacy_id = ("profiles", profile["id"]) if profile else ("user_roles", roles[legacy_user][1])
            email = ctx.legacy.users.get(legacy_user) or (profile or {}).get("email")
            ctx.plan.skip(table, legacy_id, f"user {legacy_user} ({email or 'no email'}) is not a user here: bring the "
                                  "users first with `oricol import supabase`, or create them with the same email")
            continue
        ctx.member(user)
        member: dict[str, Any] = {"user_id": user, "role": roles.get(legacy_user, ("requester", None))[0]}
        if profile is not None:
            member["full_name"] = text(profile.get("full_name"))
            member["branch_id"] = ctx.ids.get("branches", profile.get("branch_id"))
            member["phone"] = text(profile.get("phone"))
            member["job_title"] = text(profile.get("job_title"))
            ctx.plan.record("profiles", profile["id"], user)
        ctx.plan.members.append(member)
        ctx.plan.record("users", legacy_user, user)


def _roles_by_user(ctx: Context) -> dict[str, tuple[str, str]]:
    """Each legacy user's highest helpdesk role and the id of the user_roles row it came from."""
    best: dict[str, tuple[str, str]] = {}
    for row in ctx.legacy.of("user_roles"):
        ours = ROLE_OF.get(str(row.get("role")))
        if ours is None:
            ctx.plan.skip("user_roles", row["id"], f"role {row.get('role')!r} has no helpdesk equivalent "
                                                   "(the person keeps their other roles, or is a requester)")
            continue
        user = str(row["user_id"])
        if user not in best or ROLE_ORDER.index(ours) > ROLE_ORDER.index(best[user][0]):
            best[user] = (ours, str(row["id"]))
    return best


def map_credentials(ctx: Context) -> None:
    for row in ctx.legacy.of("vpn_rdp_credentials"):
        if ctx.seen("vpn_rdp_credentials", row):
            continue
        password = row.get("password")
        if not password or password == ENCRYPTED_PLACEHOLDER:
            ctx.plan.skip("vpn_rdp_credentials", row["id"],
                          "the password was encrypted by the original app (its key stays with that database) "
                          "or is empty: enter it again in the vault")
            continue
        service = str(row.get("service_type") or "other")
        _credential(ctx, "vpn_rdp_credentials", row["id"], {
            "name": joined(service.upper(), text(row.get("username")), sep=" "),
            "kind": KIND_OF_SERVICE.get(service.lower(), "other"),
            "username": text(row.get("username")),
            "notes": joined(text(row.get("notes")), *extras(row, {"email": "Email"})),
            "new_secret": password,
            "created_at": row.get("created_at"),
        })
    for profile in ctx.legacy.of("profiles"):
        for kind in ("vpn", "rdp"):
            password = profile.get(f"{kind}_password")
            legacy_key = f"profiles.{kind}_password"
            if not password or (legacy_key, str(profile["id"])) in ctx.target.imported:
                continue
            owner = text(profile.get("full_name")) or text(profile.get("email")) or str(profile["user_id"])
            _credential(ctx, legacy_key, profile["id"], {
                "name": f"{kind.upper()} {owner}", "kind": kind,
                "username": text(profile.get(f"{kind}_username")),
                "notes": f"From the profile of {text(profile.get('email')) or owner} in the original Oricol app",
                "new_secret": password, "created_at": profile.get("updated_at") or profile.get("created_at"),
            })


def _credential(ctx: Context, legacy_table: str, legacy_id, row: dict) -> None:
    row["id"] = new_id()
    ctx.plan.add("credentials", row)
    ctx.plan.record(legacy_table, legacy_id, row["id"])
