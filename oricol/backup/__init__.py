"""Backups of an Oricol installation: a database dump, the storage objects, a checksummed manifest.

`dump` writes one backup, `manifest` describes and verifies it, `objects` moves storage bytes in and
out through the storage backend, `retention` prunes old ones, `schedule` runs the daily one inside
`oricol start`, `restore` puts one back, `history` records each run, `commands` is what the CLI calls.
"""
