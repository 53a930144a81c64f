"""Notification templates: packaged files, operator overrides, escaping, the link always in the text."""
from __future__ import annotations

import pytest

from oricol.helpdesk.notify import render
from oricol.helpdesk.notify.outbox import retry_delay

LINK = "https://help.example.com/tickets/HD-1001"
PAYLOAD = {"number": "HD-1001", "title": "Printer <b>on fire</b>", "requester_name": "Ann", "priority": "high"}


def test_a_packaged_template_renders_subject_text_and_html():
    mail = render.render("ticket_created_requester", PAYLOAD, link=LINK, fallback_subject="x")
    assert mail.subject == "[HD-1001] We received your request: Printer <b>on fire</b>"
    assert "Hello Ann," in mail.text and LINK in mail.text
    assert "Printer &lt;b&gt;on fire&lt;/b&gt;" in mail.html and "<b>on fire" not in mail.html
    assert f'href="{LINK}"' in mail.html


def test_an_operator_folder_overrides_and_the_link_and_number_are_kept(tmp_path):
    (tmp_path / "ticket_assigned.txt").write_text("Subject: Yours now\n\nPlease look at it.\n")
    mail = render.render("ticket_assigned", PAYLOAD, link=LINK, fallback_subject="x", override=tmp_path)
    assert mail.subject == "[HD-1001] Yours now"  # replies find their ticket by the number
    assert mail.text.startswith("Please look at it.") and mail.text.rstrip().endswith(LINK)
    assert "Please look at it." in mail.html  # no HTML template of theirs: ours would say other things
    other = render.render("status_changed", PAYLOAD, link=LINK, fallback_subject="x", override=tmp_path)
    assert "status of your request" in other.text  # not overridden: the packaged one


def test_a_title_cannot_add_header_lines():
    mail = render.render("ticket_assigned", {**PAYLOAD, "title": "a\r\nBcc: evil@example.com"}, link=LINK,
                         fallback_subject="x")
    assert "\n" not in mail.subject and "\r" not in mail.subject


def test_unknown_or_malformed_template_names_are_refused(tmp_path):
    with pytest.raises(render.TemplateMissing):
        render.render("no_such_template", PAYLOAD, link=LINK, fallback_subject="x")
    with pytest.raises(render.TemplateMissing):
        render.render("../../etc/passwd", PAYLOAD, link=LINK, fallback_subject="x", override=tmp_path)


def test_back_off_doubles_up_to_a_ceiling():
    assert [retry_delay(n, 60, 600) for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 480, 600]
