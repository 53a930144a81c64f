"""Email to ticket: an SMTP listener that turns mail to the support address into tickets and comments."""
