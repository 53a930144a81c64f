"""Helpdesk notifications by mail: triggers fill `helpdesk.notification_outbox`; the job here sends it."""
