"""Substring search of credit codes through an index of their 5-character grams (PostgreSQL).

A trigram index serves a substring of Chinese text well, but a credit code is mostly digits, and
every code shares the same few digit triples: a search by a long string of digits (a case number,
a phone, part of a code) read trigram lists that grow with the table (42 of 56 ms at 10 million
cases). Of 5-character grams there are a hundred thousand of digits alone, so each gram's list is
short and the lists of a search's grams intersect in well under a millisecond at any size. The
grams say only that the pieces are there; `strpos` then checks they stand together, on the few
rows the index gave (written so that no index is used for it: a LIKE would call the trigram
index back in)."""
from django.db.models import BooleanField, Func, TextField, Value
from django.db.models.functions import Cast

GRAM_SIZE = 5

# complaints_text_grams5(text) and the index on it come from migration 0038: IMMUTABLE, so it may
# be indexed, and a SQL function with a FROM is never inlined, so a query's call matches the
# index's expression as written.


class GramsContain(Func):
    """`term` stands somewhere in the text column `field`, for a term of GRAM_SIZE characters or
    more: on PostgreSQL through the column's grams index, elsewhere (SQLite in development) by a
    plain `instr`, which scans."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, term: str):
        if len(term) < GRAM_SIZE:
            raise ValueError(f"a grams search needs {GRAM_SIZE} characters or more")
        super().__init__(field, Cast(Value(term), TextField()))

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="instr(%(expressions)s) > 0", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        column, term = (compiler.compile(expression) for expression in self.get_source_expressions())
        # `<> ''` is the index's predicate (cases without a code are not in it), said so that the
        # planner may use it. Where the rows come from another index (a unit's inbox), the terms are
        # judged left to right on each: strpos first, so that a code's grams are worked out only
        # for the few codes that hold the term (50,000 cases' grams took 0.5 s).
        sql = (f"({column[0]} <> '' AND strpos({column[0]}, {term[0]}) > 0"
               f" AND complaints_text_grams5({column[0]}) @> complaints_text_grams5({term[0]}))")
        return sql, (*column[1], *column[1], *term[1], *column[1], *term[1])
