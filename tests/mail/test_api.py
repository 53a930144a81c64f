"""The catcher over real SMTP and real HTTP: Inbucket's v1 JSON API."""
from __future__ import annotations

import asyncio
import hashlib
import smtplib

from oricol.mailer import OutgoingMail, SmtpMailer

from .conftest import listing, message, send


async def test_send_list_read_delete(catcher, http):
    await send(catcher, message(to="Jane+signup@Example.org", subject="Welcome", text="Line one\nLine two"))

    listed = await listing(http, "jane")
    assert len(listed) == 1
    entry = listed[0]
    assert entry["mailbox"] == "jane"
    assert entry["from"] == "Sender <sender@example.com>"
    assert entry["to"] == ["<Jane+signup@Example.org>"]
    assert entry["subject"] == "Welcome"
    assert entry["seen"] is False
    assert entry["size"] > 0 and entry["date"] and entry["posix-millis"] > 0

    shown = (await http.get(f"/api/v1/mailbox/jane/{entry['id']}")).json()
    assert shown["id"] == entry["id"]
    assert shown["body"]["text"] == "Line one\nLine two\n"
    assert shown["body"]["html"] == ""
    assert shown["header"]["Subject"] == ["Welcome"]
    assert shown["attachments"] == []

    source = await http.get(f"/api/v1/mailbox/jane/{entry['id']}/source")
    assert source.headers["content-type"].startswith("text/plain")
    assert b"Subject: Welcome" in source.content and len(source.content) == entry["size"]

    deleted = await http.delete(f"/api/v1/mailbox/jane/{entry['id']}")
    assert deleted.status_code == 200 and deleted.json() == "OK"
    assert await listing(http, "jane") == []
    again = await http.get(f"/api/v1/mailbox/jane/{entry['id']}")
    assert again.status_code == 404 and again.json()["error"] == "not_found"


async def test_the_path_name_follows_the_naming_rule(catcher, http):
    await send(catcher, message(to="bob@example.org"))
    assert len(await listing(http, "BOB+anything@elsewhere.net")) == 1
    assert await listing(http, "bobby") == []


async def test_smtp_mailer_html_and_text_parts(catcher, http):
    mailer = SmtpMailer(host="127.0.0.1", port=catcher.smtp.port, sender="Oricol <noreply@oricol.local>")
    html = '<h2>Confirm</h2><p><a href="http://localhost:3000/verify?token=abc&amp;type=signup">Confirm</a></p>'
    await mailer.send(OutgoingMail(to="ann@example.org", subject="Confirm your signup", html=html,
                                   text="Follow http://localhost:3000/verify?token=abc&type=signup"))
    (entry,) = await listing(http, "ann")
    assert entry["from"] == "Oricol <noreply@oricol.local>"
    body = (await http.get(f"/api/v1/mailbox/ann/{entry['id']}")).json()["body"]
    assert body["html"].strip() == html
    assert body["text"].strip() == "Follow http://localhost:3000/verify?token=abc&type=signup"


async def test_html_only_mail_gets_a_text_rendering(catcher, http):
    raw = (b"From: a@example.com\r\nTo: cid@example.org\r\nSubject: only html\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/html; charset=utf-8\r\n\r\n"
           b"<html><head><style>p{}</style></head><body>"
           b"<p>Click <a href=\"http://x.test/go\">here</a></p></body></html>\r\n")
    await send(catcher, raw, ["cid@example.org"])
    (entry,) = await listing(http, "cid")
    body = (await http.get(f"/api/v1/mailbox/cid/{entry['id']}")).json()["body"]
    assert "<a href" in body["html"]
    assert body["text"] == "Click here (http://x.test/go)"


async def test_odd_encodings(catcher, http):
    raw = (
        b"From: =?iso-8859-1?q?Jos=E9_Garc=EDa?= <jose@example.com>\r\n"
        b"To: =?utf-8?b?w4lsb2TDrWU=?= <elodie@example.org>\r\n"
        b"Subject: =?utf-8?b?8J+OiSBGw6p0ZQ==?= =?iso-8859-1?q?_d=E9j=E0?=\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
        b"--outer\r\n"
        b"Content-Type: multipart/alternative; boundary=inner\r\n\r\n"
        b"--inner\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Caf=E9 cr=E8me, a long line that is soft=\r\n wrapped.\r\n"
        b"--inner\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        b"PHA+Q2Fmw6kgPGI+Y3LDqG1lPC9iPjwvcD4=\r\n"
        b"--inner--\r\n"
        b"--outer\r\n"
        b"Content-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        b"JVBERi0xLjQK\r\n"
        b"--outer--\r\n"
    )
    await send(catcher, raw, ["elodie@example.org"])
    (entry,) = await listing(http, "elodie")
    assert entry["from"] == "José García <jose@example.com>"
    assert entry["to"] == ["Élodíe <elodie@example.org>"]
    assert entry["subject"] == "🎉 Fête déjà"
    shown = (await http.get(f"/api/v1/mailbox/elodie/{entry['id']}")).json()
    assert shown["body"]["text"] == "Café crème, a long line that is soft wrapped."
    assert shown["body"]["html"] == "<p>Café <b>crème</b></p>"
    (attachment,) = shown["attachments"]
    assert attachment["filename"] == "résumé.pdf"
    assert attachment["content-type"] == "application/pdf"
    assert attachment["md5"] == hashlib.md5(b"%PDF-1.4\n").hexdigest()
    download = await http.get(attachment["download-link"])
    assert download.status_code == 200 and download.content == b"%PDF-1.4\n"
    assert download.headers["content-disposition"].startswith("attachment")


async def test_unknown_charset_and_broken_base64_are_shown_not_fatal(catcher, http):
    raw = (b"From: x@example.com\r\nTo: odd@example.org\r\nSubject: =?bogus-charset?q?hi?= there\r\n"
           b"Content-Type: text/plain; charset=x-unknown\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           b"!!!not base64 at all###\r\n")
    await send(catcher, raw, ["odd@example.org"])
    (entry,) = await listing(http, "odd")
    assert "there" in entry["subject"]
    shown = await http.get(f"/api/v1/mailbox/odd/{entry['id']}")
    assert shown.status_code == 200
    assert isinstance(shown.json()["body"]["text"], str)


async def test_mark_seen_and_purge(catcher, http):
    for subject in ("one", "two"):
        await send(catcher, message(to="kim@example.org", subject=subject))
    first, second = await listing(http, "kim")
    assert (first["subject"], second["subject"]) == ("one", "two")

    marked = await http.patch(f"/api/v1/mailbox/kim/{first['id']}", json={"seen": True})
    assert marked.status_code == 200 and marked.json() == "OK"
    assert [m["seen"] for m in await listing(http, "kim")] == [True, False]

    bad = await http.patch(f"/api/v1/mailbox/kim/{first['id']}", content=b"{not json")
    assert bad.status_code == 400 and bad.json()["error"] == "bad_json"
    huge = await http.patch(f"/api/v1/mailbox/kim/{first['id']}", content=b" " * 100_000 + b"{}")
    assert huge.status_code == 413 and huge.json()["error"] == "payload_too_large"
    missing = await http.patch("/api/v1/mailbox/kim/20000101T000000-9999", json={"seen": True})
    assert missing.status_code == 404

    purged = await http.delete("/api/v1/mailbox/kim")
    assert purged.status_code == 200 and purged.json() == "OK"
    assert await listing(http, "kim") == []


async def test_one_copy_per_mailbox(catcher, http):
    await send(catcher, message(to="a@example.org, b@example.org"),
               ["a@example.org", "A+again@example.org", "b@example.org"])
    a_box, b_box = await listing(http, "a"), await listing(http, "b")
    assert len(a_box) == 1 and len(b_box) == 1
    assert a_box[0]["id"] != b_box[0]["id"]
    await http.delete(f"/api/v1/mailbox/a/{a_box[0]['id']}")
    assert len(await listing(http, "b")) == 1


async def test_errors_are_json(catcher, http):
    for method, path, status in (("GET", "/api/v1/mailbox/has space", 400),
                                 ("GET", "/api/v1/mailbox/jane/../../etc", 404),
                                 ("GET", "/api/v1/mailbox/jane/not-an-id", 404),
                                 ("DELETE", "/api/v1/mailbox/jane/not-an-id", 404),
                                 ("GET", "/api/v1/nothing", 404),
                                 ("POST", "/api/v1/mailbox/jane", 405)):
        response = await http.request(method, path)
        assert response.status_code == status, (method, path)
        assert response.headers["content-type"] == "application/json"
        assert set(response.json()) == {"error", "message"}


async def test_bad_recipients_oversized_and_garbage(catcher, http):
    def session() -> list:
        replies = []
        with smtplib.SMTP("127.0.0.1", catcher.smtp.port, timeout=10) as client:
            client.ehlo()
            client.mail("x@example.com")
            replies.append(client.rcpt("has space@example.org")[0])
            replies.append(client.rcpt("a/b@example.org")[0])
            client.rset()
            try:
                client.sendmail("x@example.com", ["big@example.org"], b"Subject: big\r\n\r\n" + b"x" * 76 * 4000)
            except smtplib.SMTPException as error:
                replies.append(getattr(error, "smtp_code", None) or error.args)
            garbage = bytes(range(1, 256)).replace(b"\r", b"").replace(b"\n", b"") + b"\r\n\xff\xfe\x00 no headers"
            client.sendmail("x@example.com", ["trash@example.org"], garbage)
        return replies

    bad_space, bad_slash, oversized = await asyncio.to_thread(session)
    assert bad_space == 550 and bad_slash == 550
    assert oversized == 552
    assert await listing(http, "big") == []
    (trash,) = await listing(http, "trash")
    shown = await http.get(f"/api/v1/mailbox/trash/{trash['id']}")
    assert shown.status_code == 200
    assert catcher.store.count == 1
    assert await catcher.health() == "up"


async def test_too_many_recipients(catcher):
    catcher.smtp.handler.max_recipients = 2

    def session() -> list[int]:
        with smtplib.SMTP("127.0.0.1", catcher.smtp.port, timeout=10) as client:
            client.ehlo()
            client.mail("x@example.com")
            return [client.rcpt(f"r{i}@example.org")[0] for i in range(3)]

    assert await asyncio.to_thread(session) == [250, 250, 452]
