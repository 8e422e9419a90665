"""Small pieces of raw SQL that read differently on SQLite and PostgreSQL."""
from django.db import connection


def among(column, ids):
    """SQL for `column` being one of `ids`, and its parameters: one array on PostgreSQL
    (nothing to convert and plan per id), a placeholder per id on SQLite."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [list(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)
