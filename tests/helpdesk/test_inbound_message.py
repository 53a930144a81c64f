"""Reading inbound mail: sender, thread, text from plain or HTML bodies, trimmed replies, attachments,
and the automatic messages email-to-ticket must ignore."""
from __future__ import annotations

from email.message import EmailMessage

import pytest

from oricol.helpdesk.inbound.message import parse, safe_file_name
from oricol.helpdesk.inbound.text import html_to_text, trim_reply


def mail(**headers) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Ann Example <Ann@Example.com>")
    message["To"] = "support@oricol.local"
    message["Subject"] = headers.pop("Subject", "Printer broken")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return message


def test_a_plain_mail():
    message = mail(Message_ID="<abc@example.com>", In_Reply_To="<x.1@oricol.local>",
                   References="<x.0@oricol.local> <x.1@oricol.local>")
    message.set_content("It jams.\n\nOn Mon, 1 Jan 2026, Support <support@oricol.local> wrote:\n> old text\n")
    parsed = parse(message.as_bytes())
    assert parsed.sender == "ann@example.com" and parsed.sender_name == "Ann Example"
    assert parsed.message_id == "<abc@example.com>"
    assert parsed.thread_ids[-1] == "<x.1@oricol.local>" and "<x.0@oricol.local>" in parsed.thread_ids
    assert parsed.reply == "It jams."
    assert "old text" in parsed.body and parsed.automatic is None


def test_html_only_mail_is_reduced_to_safe_text():
    message = mail()
    message.set_content("<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
                        "<body><p>Hello&nbsp;there</p><p>Line <b>two</b> &amp; more</p>"
                        "<blockquote>quoted history</blockquote></body></html>", subtype="html")
    parsed = parse(message.as_bytes())
    assert parsed.reply == "Hello there\n\nLine two & more"
    assert "alert" not in parsed.body and "color" not in parsed.body and "<" not in parsed.body


def test_trimming_outlook_and_bottom_quotes_and_signatures():
    assert trim_reply("Thanks!\n\n-----Original Message-----\nFrom: x\nold") == "Thanks!"
    assert trim_reply("Fixed now.\n-- \nAnn\nACME") == "Fixed now."
    assert trim_reply("Yes\n> earlier\n>> older\n") == "Yes"
    assert trim_reply("> you said\nI disagree\n") == "> you said\nI disagree"  # inline answers are kept


@pytest.mark.parametrize("headers, reason", [
    ({"Auto_Submitted": "auto-replied"}, "Auto-Submitted"),
    ({"Precedence": "bulk"}, "Precedence"),
    ({"Precedence": "junk"}, "Precedence"),
    ({"Precedence": "list"}, "Precedence"),
    ({"X_Autoreply": "yes"}, "X-Autoreply"),
    ({"From": "MAILER-DAEMON@example.com"}, "mailer-daemon"),
    ({"List_Id": "<team.example.com>"}, "mailing list"),
])
def test_automatic_messages_are_recognised(headers, reason):
    message = mail(**headers)
    message.set_content("I am out of office")
    assert reason in (parse(message.as_bytes()).automatic or "")


def test_auto_submitted_no_is_a_person():
    message = mail(Auto_Submitted="no")
    message.set_content("hi")
    assert parse(message.as_bytes()).automatic is None


def test_attachments_are_kept_with_safe_names():
    message = mail()
    message.set_content("see attached")
    message.add_attachment(b"\x89PNG...", maintype="image", subtype="png", filename="../../etc/shot.png")
    message.add_attachment(b"a,b\n", maintype="text", subtype="csv", filename="report.csv")
    parsed = parse(message.as_bytes())
    assert [(a.file_name, a.content_type, a.data) for a in parsed.attachments] == [
        ("shot.png", "image/png", b"\x89PNG..."), ("report.csv", "text/csv", b"a,b\n")]
    assert parsed.body == "see attached"
    assert safe_file_name("..\\x\\.hidden\x00.txt") == "hidden.txt"
    assert safe_file_name("") == "attachment"


def test_html_to_text_lists_and_breaks():
    assert html_to_text("<ul><li>one</li><li>two</li></ul>a<br>b") == "- one\n- two\na\nb"


@pytest.mark.parametrize("subject, title", [
    ("Printer jams", "Printer jams"),
    ("Re: [HD-1001] We received your request", "We received your request"),
    ("RE: Fwd: re: VPN down", "VPN down"),
    ("Re: HD-7", "(no subject)"),
    ("", "(no subject)"),
])
def test_titles_from_subjects(subject, title):
    from oricol.helpdesk.inbound.ingest import title_of

    assert title_of(subject) == title
