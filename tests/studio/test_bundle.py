"""The built console as the gateway serves it: every file of the bundle (the helpdesk's and Studio's, the
lazily loaded chunks included) carries neither the service key nor the JWT secret, and /studio's client
routes fall back to the console's page while its API stays JSON."""
from __future__ import annotations

from oricol.staticfiles import WEB_DIST
from tests.support.stack import SECRETS


def url_of(relative: str) -> str:
    if relative == "index.html":
        return "/"
    if relative == "studio/index.html":
        return "/studio/"
    return "/" + relative


async def test_no_served_file_carries_the_service_key_or_the_jwt_secret(browser):
    files = sorted(p.relative_to(WEB_DIST).as_posix() for p in WEB_DIST.rglob("*") if p.is_file())
    assert "studio/index.html" in files, "the web bundle is not built (make web)"
    assert sum(f.startswith("assets/") for f in files) > 10
    for relative in files:
        response = await browser.get(url_of(relative))
        assert response.status_code == 200, relative
        assert SECRETS["service_role_key"] not in response.text, relative
        assert SECRETS["jwt_secret"] not in response.text, relative
        assert SECRETS["dashboard_password"] not in response.text, relative


async def test_console_pages_fall_back_and_the_api_stays_json(browser):
    page = await browser.get("/studio/tables?schema=public")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Oricol Studio" in page.text
    missing = await browser.get("/studio/api/nothing-here")
    assert missing.status_code == 404 and missing.json() == {"message": "No such Studio endpoint"}
