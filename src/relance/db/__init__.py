"""Database plumbing shared by the few jobs that touch a large part of the database at
once (the daily dunning run, large imports): set-based writes, background writes, SQL
helpers that read the same on SQLite and PostgreSQL. Imports nothing of relance but
its settings."""
