"""COPY loading (core/bulk_copy.py): every value arrives as written, in one transaction."""
import datetime

import pytest
from django.db import connection, transaction

from core import bulk_copy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TRICKY = ["广东省江门市蓬江区\t白沙街道", "第一行\n第二行", "C:\\路径\\文件", "", None]


@pytest.fixture
def scratch_table():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copy_probe (n integer, label text, day date, flag boolean)")
    yield "copy_probe"


def test_values_with_tabs_newlines_backslashes_and_nulls_arrive_unchanged(scratch_table, monkeypatch):
    monkeypatch.setattr(bulk_copy, "_CHUNK_ROWS", 2)  # several chunks, one statement each
    rows = [(n, label, datetime.date(2026, 12, n + 1), n % 2 == 0) for n, label in enumerate(TRICKY)]
    loaded = bulk_copy.copy_rows(table=scratch_table, columns=["n", "label", "day", "flag"], rows=iter(rows))
    assert loaded == len(TRICKY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT n, label, day, flag FROM copy_probe ORDER BY n")
        assert cursor.fetchall() == rows


def test_a_failure_rolls_back_everything_loaded_in_the_transaction(scratch_table, monkeypatch):
    monkeypatch.setattr(bulk_copy, "_CHUNK_ROWS", 1)  # the first row is sent before the bad one
    rows = [(1, "江门", None, True), ("不是数字", "x", None, False)]
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - the driver's DataError
        bulk_copy.copy_rows(table=scratch_table, columns=["n", "label", "day", "flag"], rows=rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM copy_probe")
        assert cursor.fetchone() == (0,)
