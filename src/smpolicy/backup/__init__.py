"""Backup and restore: `smpolicy backup` and `smpolicy restore` (the database, the media, and
the keys in a file of their own, each sealed with a passphrase)."""
