"""Outgoing mail (the Mailer protocol auth is given) and the dev mail catcher (the seed's Inbucket)."""
