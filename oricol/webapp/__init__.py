"""The Oricol Helpdesk web app: the built bundle (dist/, from web/) served at / by the gateway."""
