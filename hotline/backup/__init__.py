"""Backups that restore exactly: `hotline backup FILE`, `hotline restore FILE`.

One archive (tar, gzip) holds the database as the database itself copies it (SQLite's online
backup API, PostgreSQL's `pg_dump -Fc`), the files under var/ that are data, and a manifest:
rows per table, the digest of the event log and the seal check of every signed work order, all
taken from the same snapshot as the copy. A restore checks the restored database against it.
"""
