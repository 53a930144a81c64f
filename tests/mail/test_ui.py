"""The web UI renders mailboxes and messages, escapes everything a message brings, and shows HTML
bodies only inside a sandbox."""
from __future__ import annotations

import re

from .conftest import listing, message, send

EVIL_SUBJECT = '<script>alert("subject")</script>'
EVIL_HTML = '<p>hello</p><script>alert("body")</script><img src=x onerror="alert(1)">'


async def test_index_and_mailbox_pages(catcher, http):
    empty = await http.get("/")
    assert empty.status_code == 200 and "No mail yet" in empty.text

    await send(catcher, message(to="ui@example.org", subject=EVIL_SUBJECT, html=EVIL_HTML))
    index = await http.get("/")
    assert '<a href="/m/ui">ui</a>' in index.text

    page = await http.get("/m/ui")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "&lt;script&gt;alert(&quot;subject&quot;)&lt;/script&gt;" in page.text
    assert "<script" not in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]

    jump = await http.get("/m", params={"name": "UI+tag@example.org"}, follow_redirects=False)
    assert jump.status_code == 303 and jump.headers["location"] == "/m/ui"


async def test_message_page_escapes_and_sandboxes(catcher, http):
    await send(catcher, message(to="ui@example.org", subject=EVIL_SUBJECT, html=EVIL_HTML,
                                text='see https://app.test/confirm?a=1&b=2 "<b>not bold</b>"'))
    (entry,) = await listing(http, "ui")
    page = await http.get(f"/m/ui/{entry['id']}")
    assert page.status_code == 200
    text = page.text
    assert "<script" not in text and "onerror" not in text.replace("&quot;", "")
    assert "&lt;b&gt;not bold&lt;/b&gt;" in text
    assert '<a href="https://app.test/confirm?a=1&amp;b=2" target=_blank' in text

    (frame,) = re.findall(r"<iframe [^>]*>", text)
    sandbox = re.search(r'sandbox="([^"]*)"', frame).group(1)
    assert "allow-scripts" not in sandbox and "allow-same-origin" not in sandbox
    src = re.search(r'src="([^"]*)"', frame).group(1)
    assert src == f"/m/ui/{entry['id']}/html"

    body = await http.get(src)
    assert body.text.strip() == EVIL_HTML  # served as sent, but only into a sandbox:
    policy = body.headers["content-security-policy"]
    assert policy.startswith("sandbox ") and "allow-scripts" not in policy and "script-src" not in policy
    assert body.headers["x-content-type-options"] == "nosniff"

    # Opening a message in the UI marks it seen, as Inbucket's UI does.
    assert (await listing(http, "ui"))[0]["seen"] is True


async def test_ui_missing_message_and_bad_name(catcher, http):
    missing = await http.get("/m/ui/20000101T000000-0001")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    bad = await http.get("/m", params={"name": "a <b>"})
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/json"
    assert bad.json()["error"] == "bad_mailbox"
