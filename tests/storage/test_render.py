"""Image transforms through storage3 and supabase-js; outputs decoded with Pillow."""
from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image
from storage3.exceptions import StorageApiError

from tests.support.node import run_node

from .conftest import unique


def _jpeg(width: int, height: int, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG", quality=90)
    return out.getvalue()


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 255, 128)).save(out, "PNG")
    return out.getvalue()


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_authenticated_transforms(user, own_bucket):
    user_id, storage = user
    files = storage.from_(own_bucket)
    files.upload(f"{user_id}/photo.jpg", _jpeg(1200, 800), {"content-type": "image/jpeg"})
    width_only = _decode(files.download(f"{user_id}/photo.jpg", {"transform": {"width": 300}}))
    assert width_only.size == (300, 200) and width_only.format == "JPEG"
    cover = _decode(files.download(f"{user_id}/photo.jpg", {"transform": {"width": 200, "height": 200,
                                                                             "resize": "cover"}}))
    assert cover.size == (200, 200)
    contain = _decode(files.download(f"{user_id}/photo.jpg", {"transform": {"width": 200, "height": 200,
                                                                               "resize": "contain"}}))
    assert contain.size == (200, 133)
    fill = _decode(files.download(f"{user_id}/photo.jpg", {"transform": {"width": 100, "height": 300,
                                                                            "resize": "fill"}}))
    assert fill.size == (100, 300)
    webp = _decode(files.download(f"{user_id}/photo.jpg", {"transform": {"width": 120, "format": "webp",
                                                                            "quality": 50}}))
    assert webp.format == "WEBP" and webp.size == (120, 80)
    assert abs(webp.convert("RGB").getpixel((60, 40))[0] - 200) < 20
    # Never enlarged beyond the source.
    assert _decode(files.download(f"{user_id}/photo.jpg", {"transform": {"width": 5000}})).size == (1200, 800)


def test_transform_respects_rls(user, own_bucket, admin_storage):
    _, storage = user
    admin_storage.from_(own_bucket).upload("other/p.png", _png(50, 50), {"content-type": "image/png"})
    with pytest.raises(StorageApiError) as error:
        storage.from_(own_bucket).download("other/p.png", {"transform": {"width": 10}})
    assert error.value.status == "404"


def test_public_and_signed_transforms(admin_storage, public_bucket, storage_live):
    files = admin_storage.from_(public_bucket)
    files.upload("a/p.png", _png(400, 200), {"content-type": "image/png"})
    url = files.get_public_url("a/p.png", {"transform": {"width": 100, "height": 100, "resize": "contain"}})
    response = httpx.get(url)
    image = _decode(response.content)
    assert response.status_code == 200 and image.format == "PNG" and image.size == (100, 50)
    assert image.mode == "RGBA"
    again = httpx.get(url, headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304
    browser = httpx.get(url.split("?")[0] + "?width=50", headers={"accept": "image/avif,image/webp,*/*"})
    assert browser.headers["content-type"] == "image/webp" and _decode(browser.content).format == "WEBP"
    signed = files.create_signed_url("a/p.png", 60, {"transform": {"width": 40, "format": "webp"}})
    assert "/render/image/sign/" in signed["signedURL"]
    image = _decode(httpx.get(signed["signedURL"]).content)
    assert image.size == (40, 20) and image.format == "WEBP"


def test_bad_parameters_and_non_images(admin_storage, own_bucket, storage_live):
    files = admin_storage.from_(own_bucket)
    files.upload("x/not-an-image.png", b"definitely not a png", {"content-type": "image/png"})
    files.upload("x/ok.png", _png(10, 10), {"content-type": "image/png"})
    base = f"{storage_live.url}/storage/v1/render/image/authenticated/{own_bucket}/x"
    headers = {"apikey": storage_live.service_role_key, "authorization": f"Bearer {storage_live.service_role_key}"}
    not_image = httpx.get(f"{base}/not-an-image.png?width=10", headers=headers)
    assert not_image.status_code == 400 and not_image.json()["statusCode"] == "422"
    for query in ("width=0", "width=abc", "height=999999", "resize=stretch", "quality=5", "format=bmp"):
        response = httpx.get(f"{base}/ok.png?{query}", headers=headers)
        assert response.status_code == 400, query
        assert set(response.json()) == {"statusCode", "code", "error", "message"}


def test_decompression_bomb_is_refused(admin_storage, own_bucket, storage_live):
    # A tiny file that decodes to 30 000 x 30 000 pixels (900 M > the 50 M default limit).
    out = io.BytesIO()
    Image.new("1", (30000, 30000)).save(out, "PNG")
    assert len(out.getvalue()) < 1024 * 1024
    admin_storage.from_(own_bucket).upload("b/bomb.png", out.getvalue(), {"content-type": "image/png"})
    url = f"{storage_live.url}/storage/v1/render/image/authenticated/{own_bucket}/b/bomb.png?width=10"
    headers = {"apikey": storage_live.service_role_key, "authorization": f"Bearer {storage_live.service_role_key}"}
    response = httpx.get(url, headers=headers)
    assert response.status_code == 400 and response.json()["statusCode"] == "422"
    assert "pixels" in response.json()["message"]


def test_js_transform(storage_live):
    bucket = unique("pub")
    data = _jpeg(640, 480)
    result = run_node("""
const admin = service();
const B = process.env.BUCKET;
await admin.storage.createBucket(B, { public: true });
const bytes = Buffer.from(process.env.JPEG_B64, 'base64');
await admin.storage.from(B).upload('cat.jpg', bytes, { contentType: 'image/jpeg' });
const dl = await admin.storage.from(B).download('cat.jpg',
  { transform: { width: 64, height: 64, resize: 'cover', format: 'origin' } });
const pub = anon().storage.from(B).getPublicUrl('cat.jpg', { transform: { width: 32, quality: 60 } });
const r = await fetch(pub.data.publicUrl);
out({ size: dl.data.size, type: dl.data.type, b64: Buffer.from(await dl.data.arrayBuffer()).toString('base64'),
      pubStatus: r.status, pubType: r.headers.get('content-type') });
""", storage_live, env={"BUCKET": bucket, "JPEG_B64": __import__("base64").b64encode(data).decode()})
    import base64
    image = _decode(base64.b64decode(result["b64"]))
    assert image.size == (64, 64) and image.format == "JPEG" and result["type"] == "image/jpeg"
    assert result["pubStatus"] == 200 and result["pubType"].startswith("image/")
