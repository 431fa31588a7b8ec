"""Writing a batch of new rows in one database round trip.

Intake is the hot path of the API (a hotline platform pushes hundreds of work orders a second at
peak), and the ORM spends far more time compiling one INSERT per row than PostgreSQL spends running
it. `rows_insert` takes model instances that are complete in memory (parents carry their primary
key already, see `primary_key_draw`) and sends all their INSERTs as one statement batch. Column
lists and values come from the models' own field definitions, so a new field needs no change here.
"""
import json
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from uuid import UUID

from django.db import models, transaction


def primary_key_draw(model: type[models.Model]) -> str:
    """SQL expression drawing the next primary key of `model` on PostgreSQL, so that children can
    point at a parent before either is written."""
    table = model._meta.db_table
    column = model._meta.pk.column
    return f"nextval(pg_get_serial_sequence('{table}', '{column}'))"


@lru_cache(maxsize=64)
def _insert_sql(model: type[models.Model], with_pk: bool, quote) -> tuple[str, tuple[models.Field, ...]]:
    fields = tuple(f for f in model._meta.concrete_fields if with_pk or not f.primary_key)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})", fields


@lru_cache(maxsize=64)
def _insert_json_sql(model: type[models.Model], with_pk: bool, quote) -> tuple[str, tuple[models.Field, ...]]:
    fields = tuple(f for f in model._meta.concrete_fields if with_pk or not f.primary_key)
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    rows = f"json_populate_record(NULL::{table}, %s::json)"
    return f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {rows}", fields


# Django's own field classes whose preparation returns a value of this exact type as it is (an
# aware datetime too: the row carries its offset). Anything else, subclasses included, is prepared.
_PLAIN_TYPES = {
    models.CharField: str, models.TextField: str, models.BooleanField: bool, models.IntegerField: int,
    models.PositiveIntegerField: int, models.PositiveSmallIntegerField: int, models.SmallIntegerField: int,
    models.BigIntegerField: int, models.BigAutoField: int, models.AutoField: int, models.ForeignKey: int,
    models.OneToOneField: int,
}


def _plain_type(field_class) -> type | None:
    return _PLAIN_TYPES.get(field_class)


def _json_value(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    raise TypeError(type(value).__name__)


def _json_batch(objs: list[models.Model], connection) -> tuple[list[str], list[str]]:
    """Each row as one JSON parameter that PostgreSQL spreads over the columns (json_populate_record
    converts each value with its column's own input function). A case's batch then has four
    parameters instead of a hundred: psycopg 3 merges every parameter into the text in Python, and
    does not cache the parsing of a statement this long."""
    statements, params = [], []
    for obj in objs:
        sql, fields = _insert_json_sql(type(obj), obj.pk is not None, connection.ops.quote_name)
        row = {}
        for field in fields:
            value = field.pre_save(obj, True)
            if value is None or type(value) is _plain_type(type(field)):
                row[field.column] = value  # what the field's preparation would give back unchanged
            elif isinstance(field, models.JSONField):
                row[field.column] = field.get_prep_value(value)  # nested in the row as it is
            else:
                row[field.column] = field.get_db_prep_save(value, connection)
        statements.append(sql)
        params.append(json.dumps(row, default=_json_value, ensure_ascii=False, separators=(",", ":")))
    return statements, params


def rows_insert(objs: list[models.Model]) -> None:
    """Insert new instances, parents before children. On PostgreSQL one round trip carries them all;
    outside a transaction that batch is one transaction of its own (all rows or none). Elsewhere
    (SQLite in development) each is saved in turn inside a transaction.

    Model.save() and its signals are skipped on PostgreSQL: use this only for models whose save()
    adds nothing beyond the fields' own pre_save (auto_now, defaults)."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        with transaction.atomic():
            for obj in objs:
                obj.save(force_insert=True)
        return
    try:
        statements, params = _json_batch(objs, connection)
    except TypeError:  # a value JSON does not carry (bytes, durations): one parameter per column
        statements, params = [], []
        for obj in objs:
            sql, fields = _insert_sql(type(obj), obj.pk is not None, connection.ops.quote_name)
            statements.append(sql)
            params.extend(field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(";\n".join(statements), params)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def rows_insert_like(template: models.Model, *, varying: tuple[str, ...], rows: list[tuple]) -> int:
    """Insert one row per tuple of `rows`: a copy of `template` (an unsaved instance made by the
    usual builder) with the fields named in `varying` (attnames) set from the tuple. For thousands
    of rows that differ in a few columns, such as the deadline sweep's history and notices: the
    ORM spends more creating and compiling each instance than the database spends inserting it.
    The varying values must already be what the database stores (ids, text); the template's go
    through their fields as usual. Like bulk_create, no save() and no signals."""
    if not rows:
        return 0
    connection = transaction.get_connection()
    fields = [f for f in template._meta.concrete_fields if not f.primary_key]
    fixed = {f.attname: f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields}
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(template._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: each varying column travels as one array, the rest once.
            columns = list(zip(*rows, strict=True))
            select = ", ".join(f"v.{quote(f.attname)}" if f.attname in varying
                               else f"CAST(%s AS {f.db_type(connection)})" for f in fields)
            arrays = ", ".join(f"CAST(%s AS {_field(fields, name).db_type(connection)}[])" for name in varying)
            names = ", ".join(quote(name) for name in varying)
            cursor.execute(f"{head} SELECT {select} FROM unnest({arrays}) AS v({names})",
                           [fixed[f.attname] for f in fields if f.attname not in varying] + [list(c) for c in columns])
            return len(rows)
        slots = [[f.attname for f in fields].index(name) for name in varying]
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        template_row = [fixed[f.attname] for f in fields]
        batch_size = connection.ops.bulk_batch_size(fields, rows)  # SQLite's limit on parameters
        for start in range(0, len(rows), batch_size):
            batch = rows[start:start + batch_size]
            params = []
            for values in batch:
                row = template_row.copy()
                for slot, value in zip(slots, values, strict=True):
                    row[slot] = value
                params.extend(row)
            cursor.execute(f"{head} VALUES " + ", ".join([one] * len(batch)), params)
    return len(rows)


def _field(fields, attname: str) -> models.Field:
    return next(f for f in fields if f.attname == attname)
