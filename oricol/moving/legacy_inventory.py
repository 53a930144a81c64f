"""The IT side: branches, assets (the original app kept two lists, `assets` and `hardware_inventory`, both
become helpdesk assets), licences with their seat holders, and network devices.

Our tables are stricter than the original's (a unique tag on every asset, an enum status, an inet
address): values that do not fit are kept in the asset's `custom` json or the row's notes rather than
dropped, and a row that cannot be placed at all is reported.
"""
from __future__ import annotations

import ipaddress

from .legacy_plan import Context, extras, joined, new_id, text

ASSET_STATUS = {"active": "deployed", "maintenance": "in_repair", "in_repair": "in_repair", "repair": "in_repair",
                "retired": "retired", "disposed": "retired", "inactive": "in_stock", "in_stock": "in_stock",
                "lost": "lost", "stolen": "lost"}
DEVICE_KINDS = {"router": "router", "switch": "switch", "firewall": "firewall", "access_point": "access_point",
                "access point": "access_point", "ap": "access_point", "wifi": "access_point", "server": "server",
                "printer": "printer"}
# Columns that carry no information worth keeping once the row is ours.
NOISE = {"id", "tenant_id", "created_at", "updated_at", "deleted_manually", "synced_from_m365"}


def map_branches(ctx: Context) -> None:
    for row in ctx.legacy.of("branches"):
        if ctx.seen("branches", row):
            continue
        name = text(row.get("name")) or f"Branch {str(row['id'])[:8]}"
        existing = ctx.target.branch_by_name.get(name.lower())
        if existing:  # the same branch made here by hand: one branch, not two
            ctx.ids.set("branches", row["id"], existing)
            ctx.plan.record("branches", row["id"], existing)
            continue
        ours = new_id()
        ctx.target.branch_by_name[name.lower()] = ours
        ctx.ids.set("branches", row["id"], ours)
        ctx.plan.add("branches", {
            "id": ours, "name": name,
            "address": joined(text(row.get("address")), text(row.get("state")), text(row.get("postal_code")), sep=", "),
            "city": text(row.get("city")), "country": text(row.get("country")), "phone": text(row.get("phone")),
            "contact_email": text(row.get("email")), "notes": text(row.get("notes")),
            "created_at": row.get("created_at"),
        })
        ctx.plan.record("branches", row["id"], ours)


def _branch_named(ctx: Context, name) -> str | None:
    return ctx.target.branch_by_name.get((text(name) or "").lower())


def _status(value, assigned: bool) -> tuple[str, str | None]:
    """Our status, and the original one when ours says less."""
    original = (text(value) or "active").lower()
    ours = ASSET_STATUS.get(original, "in_stock")
    if original == "active" and not assigned:
        ours = "in_stock"
    return ours, None if original in ("active", ours) else original


def _asset(ctx: Context, table: str, row: dict, asset: dict) -> None:
    tag = asset["tag"]
    if tag.lower() in ctx.target.asset_tags:
        ctx.plan.skip(table, row["id"], f"asset tag {tag!r} is already used by an asset here")
        return
    ctx.target.asset_tags.add(tag.lower())
    status, original = _status(row.get("status"), asset.get("assigned_to") is not None)
    custom = {k: v for k, v in asset.pop("custom").items() if v not in (None, "")}
    if original:
        custom["original_status"] = original
    ours = new_id()
    ctx.plan.add("assets", {**asset, "id": ours, "status": status, "custom": custom,
                            "purchase_date": row.get("purchase_date"),
                            "warranty_expires_on": row.get("warranty_expires"), "notes": text(row.get("notes")),
                            "created_at": row.get("created_at"), "updated_at": row.get("updated_at")})
    if asset.get("assigned_to"):
        ctx.plan.add("asset_assignments", {"id": new_id(), "asset_id": ours, "member_id": asset["assigned_to"],
                                           "assigned_at": row.get("updated_at") or row.get("created_at")})
    ctx.ids.set(table, row["id"], ours)
    ctx.plan.record(table, row["id"], ours)


def map_assets(ctx: Context) -> None:
    for row in ctx.legacy.of("assets"):
        if ctx.seen("assets", row):
            continue
        _asset(ctx, "assets", row, {
            "tag": text(row.get("asset_tag")) or f"LEGACY-{str(row['id'])[:8].upper()}",
            "name": text(row.get("name")) or "(unnamed asset)", "type": text(row.get("category")),
            "model": text(row.get("model")), "serial": text(row.get("serial_number")),
            "assigned_to": ctx.member_of_profile(row.get("assigned_to")),
            "custom": {"location": row.get("location")},
        })
    mapped = {"device_name", "device_type", "manufacturer", "model", "serial_number", "assigned_to", "branch",
              "status", "purchase_date", "warranty_expires", "notes"}
    for row in ctx.legacy.of("hardware_inventory"):
        if ctx.seen("hardware_inventory", row):
            continue
        if row.get("deleted_manually"):
            ctx.plan.skip("hardware_inventory", row["id"], "marked as deleted by hand in the original app")
            continue
        branch = _branch_named(ctx, row.get("branch"))
        custom = {k: v for k, v in row.items() if k not in mapped | NOISE}
        if row.get("branch") and not branch:
            custom["branch"] = row["branch"]
        _asset(ctx, "hardware_inventory", row, {
            "tag": f"HW-{str(row['id'])[:8].upper()}", "name": text(row.get("device_name")) or "(unnamed device)",
            "type": text(row.get("device_type")), "manufacturer": text(row.get("manufacturer")),
            "model": text(row.get("model")), "serial": text(row.get("serial_number")),
            "assigned_to": ctx.member(row.get("assigned_to")), "branch_id": branch, "custom": custom,
        })


def map_licences(ctx: Context) -> None:
    for row in ctx.legacy.of("licenses"):
        if ctx.seen("licenses", row):
            continue
        if row.get("deleted_manually"):
            ctx.plan.skip("licenses", row["id"], "marked as deleted by hand in the original app")
            continue
        seats = row.get("total_seats")
        if not isinstance(seats, int) or seats < 0:
            ctx.plan.skip("licenses", row["id"], f"total_seats {seats!r} is not a number of seats")
            continue
        ours = new_id()
        ctx.plan.add("licences", {
            "id": ours, "name": text(row.get("license_name")) or "(unnamed licence)", "seats": seats,
            "purchased_on": row.get("purchase_date"), "renews_on": row.get("renewal_date"), "cost": row.get("cost"),
            "vendor": text(row.get("vendor")), "created_at": row.get("created_at"),
            "notes": joined(text(row.get("notes")), *extras(row, {
                "license_type": "Type", "license_key": "Licence key", "status": "Status",
                "used_seats": "Seats used (original app)", "m365_sku_part_number": "Microsoft 365 SKU"})),
        })
        holder = ctx.member(row.get("assigned_to"))
        if holder:
            ctx.plan.add("licence_assignments", {"id": new_id(), "licence_id": ours, "member_id": holder,
                                                 "assigned_at": row.get("created_at")})
        ctx.plan.record("licenses", row["id"], ours)


def _inet(value) -> str | None:
    try:
        return str(ipaddress.ip_interface(text(value) or ""))
    except ValueError:
        return None


def map_network_devices(ctx: Context) -> None:
    for row in ctx.legacy.of("network_devices"):
        if ctx.seen("network_devices", row):
            continue
        original_type = text(row.get("device_type")) or ""
        kind = DEVICE_KINDS.get(original_type.lower().replace("-", "_"), "other")
        address = _inet(row.get("ip_address"))
        ours = new_id()
        ctx.plan.add("network_devices", {
            "id": ours, "branch_id": ctx.ids.get("branches", row.get("branch_id")),
            "name": text(row.get("device_name")) or "(unnamed device)", "kind": kind, "ip_address": address,
            "mac_address": text(row.get("mac_address")), "location": text(row.get("location")),
            "notes": joined(text(row.get("notes")), *extras(row, {
                "manufacturer": "Manufacturer", "model": "Model", "serial_number": "Serial number",
                "status": "Status"}),
                f"Type: {original_type}" if kind == "other" and original_type else None,
                f"IP address: {row['ip_address']}" if row.get("ip_address") and not address else None),
        })
        ctx.plan.record("network_devices", row["id"], ours)
