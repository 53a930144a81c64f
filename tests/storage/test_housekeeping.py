"""Housekeeping in-process: expired resumable uploads are swept; deleted objects lose their cached variants."""
from __future__ import annotations

import io

from PIL import Image

from oricol.storage import tus


async def test_sweeper_removes_expired_uploads(stack, admin):
    ctx = stack.services["storage"].extras["context"]
    await admin.execute("insert into storage.buckets (id, name) values ('sweep', 'sweep')")
    for upload_id, seconds in (("old", -5), ("fresh", 3600)):
        await admin.execute(
            "insert into storage.oricol_resumable_uploads (id, bucket_id, name, upload_length, content_type, "
            "cache_control, expires_at) values ($1, 'sweep', $1, 10, 'text/plain', 'no-cache', "
            "now() + make_interval(secs => $2))", upload_id, float(seconds))
        path = ctx.config.root / "resumable" / upload_id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"12345")
    assert await tus.sweep(ctx) == 1
    assert not (ctx.config.root / "resumable" / "old").exists()
    assert (ctx.config.root / "resumable" / "fresh").exists()
    remaining = await admin.fetch("select id from storage.oricol_resumable_uploads")
    assert [r["id"] for r in remaining] == ["fresh"]


async def test_deleting_an_object_drops_its_variants(stack, service_client):
    ctx = stack.services["storage"].extras["context"]
    assert (await service_client.post("/storage/v1/bucket", json={"id": "pics"})).status_code == 200
    image = io.BytesIO()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(image, "PNG")
    response = await service_client.post("/storage/v1/object/pics/a.png", content=image.getvalue(),
                                         headers={"content-type": "image/png"})
    assert response.status_code == 200
    rendered = await service_client.get("/storage/v1/render/image/authenticated/pics/a.png?width=16")
    assert rendered.status_code == 200
    variants = list((ctx.config.root / "cache" / "render").rglob("*"))
    assert any(v.is_file() for v in variants)
    deleted = await service_client.request("DELETE", "/storage/v1/object/pics", json={"prefixes": ["a.png"]})
    assert deleted.status_code == 200
    assert not any(v.is_file() for v in (ctx.config.root / "cache" / "render").rglob("*"))
