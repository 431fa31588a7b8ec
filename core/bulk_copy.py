"""Bulk loading through PostgreSQL's COPY, written once for every importer and benchmark seeder.

COPY is an order of magnitude faster than multi-row INSERT for large loads (the 600,000 village
codes of a province, millions of benchmark cases) and streams: rows go to the server in chunks, so
memory stays flat however large the input. The two PostgreSQL drivers spell COPY differently
(psycopg 2: ``copy_expert`` with a file; psycopg 3: ``cursor.copy`` with ``write_row``); callers
use :func:`copy_rows` and never touch the driver.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection as default_connection

# Rows per chunk handed to psycopg 2 (about 1-4 MB of text for typical rows).
_CHUNK_ROWS = 20_000


def _text_field(value: Any) -> str:
    """One value in COPY's text format: NULL as \\N, and the format's special characters escaped."""
    if type(value) is str:  # most values, checked first and without a generator: called per value
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    if any(ch in text for ch in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy_statement(table: str, columns: Sequence[str], quote) -> str:
    column_list = ", ".join(quote(column) for column in columns)
    return f"COPY {quote(table)} ({column_list}) FROM STDIN"


def copy_rows(*, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], connection=None) -> int:
    """Load ``rows`` (tuples in ``columns`` order) into ``table`` with COPY; returns the row count.

    Runs on the caller's connection and transaction, so an importer's "all or nothing" holds: a
    failure anywhere rolls the loaded rows back with everything else. PostgreSQL only.
    """
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        raise NotImplementedError("copy_rows needs PostgreSQL; use bulk_create elsewhere")
    sql = _copy_statement(table, columns, connection.ops.quote_name)
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the driver's cursor under Django's wrapper
        if hasattr(raw, "copy"):  # psycopg 3
            with raw.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        buffer = io.StringIO()
        in_buffer = 0
        for row in rows:
            buffer.write("\t".join(_text_field(value) for value in row))
            buffer.write("\n")
            in_buffer += 1
            if in_buffer == _CHUNK_ROWS:
                buffer.seek(0)
                raw.copy_expert(sql, buffer)
                count += in_buffer
                buffer, in_buffer = io.StringIO(), 0
        if in_buffer:
            buffer.seek(0)
            raw.copy_expert(sql, buffer)
            count += in_buffer
    return count
