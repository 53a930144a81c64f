"""How the gateway serves the web app: SPA fallback, cache headers, /config.json, no traversal."""
from __future__ import annotations

import httpx
import pytest

from oricol.staticfiles import StaticSite
from tests.support.stack import SECRETS
from tests.support.web import ensure_built


@pytest.fixture
def site_dir(tmp_path):
    (tmp_path / "dist" / "assets").mkdir(parents=True)
    (tmp_path / "dist" / "studio").mkdir()
    (tmp_path / "dist" / "index.html").write_text("<!doctype html><title>helpdesk</title>" + "x" * 2000)
    (tmp_path / "dist" / "studio" / "index.html").write_text("<!doctype html><title>studio</title>")
    (tmp_path / "dist" / "assets" / "app-1a2b3c.js").write_text("console.log('app');" * 200)
    (tmp_path / "dist" / "assets" / "app-1a2b3c.css").write_text("body{}")
    (tmp_path / "secret.txt").write_text("outside the site")
    return tmp_path


def site_client(site: StaticSite) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=site), base_url="http://t")


async def test_client_routes_fall_back_to_index_html_uncached(site_dir):
    async with site_client(StaticSite(root=site_dir / "dist")) as http:
        for path in ("/", "/tickets", "/tickets/7f0c/anything", "/sign-in?next=%2F"):
            response = await http.get(path)
            assert response.status_code == 200, path
            assert "<title>helpdesk</title>" in response.text
            assert response.headers["content-type"] == "text/html; charset=utf-8"
            assert response.headers["cache-control"] == "no-cache"


async def test_hashed_assets_are_immutable_with_types_etag_gzip_and_head(site_dir):
    async with site_client(StaticSite(root=site_dir / "dist")) as http:
        js = await http.get("/assets/app-1a2b3c.js", headers={"accept-encoding": "gzip"})
        assert js.status_code == 200
        assert js.headers["content-type"] == "text/javascript; charset=utf-8"
        assert js.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert js.headers["content-encoding"] == "gzip"
        assert js.text == "console.log('app');" * 200  # httpx decodes the gzip
        css = await http.get("/assets/app-1a2b3c.css")
        assert css.headers["content-type"] == "text/css; charset=utf-8"
        again = await http.get("/assets/app-1a2b3c.js", headers={"if-none-match": js.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        head = await http.head("/assets/app-1a2b3c.css")
        assert head.status_code == 200 and head.content == b"" and head.headers["content-length"] == "6"
        missing = await http.get("/assets/gone-000.js")
        assert missing.status_code == 404 and "html" not in missing.headers["content-type"]
        post = await http.post("/", content=b"x")
        assert post.status_code == 405


@pytest.mark.parametrize("path", ["/../secret.txt", "/assets/../../secret.txt", "/..%2fsecret.txt",
                                  "/%2e%2e/secret.txt", "/assets/..%5c..%5csecret.txt", "/%00/secret.txt"])
async def test_paths_never_leave_the_folder(site_dir, path):
    site = StaticSite(root=site_dir / "dist")
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    # Raw ASGI: clients would normalise the dots away before sending.
    await site({"type": "http", "method": "GET", "path": path, "headers": []}, None, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert b"outside the site" not in body
    assert sent[0]["status"] in (404, 200)


async def test_symlink_out_of_the_folder_is_refused(site_dir):
    (site_dir / "dist" / "link.txt").symlink_to(site_dir / "secret.txt")
    async with site_client(StaticSite(root=site_dir / "dist")) as http:
        response = await http.get("/link.txt")
    assert "outside the site" not in response.text


async def test_an_unbuilt_app_answers_how_to_build_it(tmp_path):
    async with site_client(StaticSite(root=tmp_path / "nothing")) as http:
        response = await http.get("/tickets")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    assert "npm run build" in response.text and "Traceback" not in response.text


async def test_studio_pages_use_their_own_index(site_dir):
    async with site_client(StaticSite(root=site_dir / "dist", index="studio/index.html")) as http:
        response = await http.get("/studio/tables/public")
    assert "<title>studio</title>" in response.text


async def test_the_gateway_serves_the_app_config_and_keeps_api_404s(client):
    ensure_built()
    config = await client.get("/config.json", headers={"apikey": ""})
    assert config.status_code == 200
    body = config.json()
    assert set(body) == {"url", "anonKey"} and body["anonKey"] == SECRETS["anon_key"]
    assert body["url"].startswith("http") and SECRETS["service_role_key"] not in config.text
    assert config.headers["cache-control"] == "no-store"

    for path in ("/", "/tickets/123", "/my-tickets"):
        page = await client.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), path
        assert '<div id="root">' in page.text
    studio = await client.get("/studio/some/page")
    assert studio.status_code == 200 and "Oricol Studio" in studio.text

    for path in ("/rest/v2/x", "/auth/nowhere", "/storage/v0/x", "/studio/api/nothing", "/pg"):
        response = await client.get(path)
        assert response.status_code in (401, 403, 404), path
        assert response.headers["content-type"].startswith("application/json"), path


async def test_assets_need_no_api_key(client):
    ensure_built()
    page = (await client.get("/")).text
    asset = page.split('src="', 1)[1].split('"', 1)[0]
    async with httpx.AsyncClient(transport=client._transport, base_url="http://t") as bare:
        response = await bare.get(asset)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
