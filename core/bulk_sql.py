"""Set-based writes for the bulk imports: rows go to the database as one array per column.

Django's ``bulk_create`` compiles every value of every instance (thousands of ``prepare_value``
calls per batch), which made it most of a 5,000-row import's time. Here a batch is a table
``v`` read from the arrays with ``unnest`` on PostgreSQL, so an INSERT (or an ``UPDATE … FROM
v``) is one statement whose parameters are one list per column. The arrays are bound
server-side in binary: Django's default cursor binds client-side, quoting every element into the
SQL text in Python, which cost more than the database's own work for JSON and timestamps.
Callers pass database-ready values: ids for foreign keys, plain Python values elsewhere; JSON
fields take Python objects.

Elsewhere (SQLite, the embedded default) the same calls fall back to ``bulk_create`` and to a
``VALUES`` list, so the callers hold no per-database logic.
"""

import json
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from operator import attrgetter, itemgetter

from django.db import connection
from django.db.models import Field, JSONField, Lookup, Model, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import RawSQL
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

BATCH_SIZE = 5000
"""Rows per statement. Each statement costs PostgreSQL a few milliseconds whatever its size, so
a 5,000-row import is one statement per table; a background import reports progress after each
batch, every second or so."""


def batches(items: Sequence, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fields(model: type[Model], names: Sequence[str]) -> list[Field]:
    """Fields by name or attname (``learner`` and ``learner_id`` alike)."""
    return [model._meta.get_field(name) for name in names]


def _sql_type(field: Field) -> str:
    """The column's type without its length (``varchar``, not ``varchar(254)``): the arrays must
    not truncate, the column checks the length."""
    return field.db_type(connection).split("(")[0]


def _db_value(field: Field, value):
    if isinstance(field, JSONField) and value is not None:
        return json.dumps(value, cls=field.encoder)
    return value


def values_table(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence]):
    """(sql, params) of a table ``v`` holding ``rows``, its columns named after the model's
    fields (``v.learner_id``), to join in an ``UPDATE … FROM`` or read in an ``INSERT … SELECT``
    run by ``execute``. On SQLite (≥ 3.33) a VALUES list stands in for the arrays."""
    fields = _fields(model, columns)
    names = [connection.ops.quote_name(field.column) for field in fields]
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%b::{_sql_type(field)}[]" for field in fields)
        params = [
            [_db_value(field, value) for value in column]
            if isinstance(field, JSONField)
            else column
            for field, column in zip(fields, _columns(rows, len(fields)), strict=True)
        ]
        return f"unnest({arrays}) AS v ({', '.join(names)})", params
    renamed = ", ".join(f"column{n} AS {name}" for n, name in enumerate(names, start=1))
    values = ", ".join([f"({', '.join(['%s'] * len(fields))})"] * len(rows))
    params = [
        _db_value(field, value) for row in rows for field, value in zip(fields, row, strict=True)
    ]
    return f"(SELECT {renamed} FROM (VALUES {values})) AS v", params  # noqa: S608


def _columns(rows: Sequence[Sequence], width: int) -> list[list]:
    """The rows' values column by column. ``zip(*rows)`` makes an iterator per row: thousands of
    objects for the garbage collector to track, enough to set off a full collection."""
    if any(len(row) != width for row in rows):
        raise ValueError(f"Every row must have {width} values.")
    return [list(map(itemgetter(n), rows)) for n in range(width)]


@contextmanager
def _cursor():
    """On PostgreSQL, a cursor that binds parameters server-side (``%b`` binds in binary),
    wrapped as Django wraps its own so queries are logged and errors are Django's."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(raw) as cursor:
        yield cursor


def execute(statement: str, params: Sequence) -> tuple[int, list]:
    """Run a statement built on ``values_table``: (rows changed, rows returned)."""
    with _cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount, cursor.fetchall() if cursor.description else []


@Field.register_lookup
class AnyOf(Lookup):
    """``<field> = ANY(<array>)``: ``values_among``'s filter on PostgreSQL, the values bound as
    one array."""

    lookup_name = "any_of"
    prepare_rhs = False
    can_use_none_as_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


def values_among(queryset: QuerySet, lookup: str, values: Sequence, *fields: str) -> list[tuple]:
    """``queryset.filter(<lookup>__in=values).values_list(*fields)``, with ``values`` sent as one
    array rather than one parameter each: Django compiles and quotes every parameter of an
    ``__in``, which for a file's 5,000 addresses took several times the database's own work.
    On PostgreSQL the filter is ``= ANY(array)``, which it hashes whatever it believes of the
    tables: as ``IN (SELECT … FROM unnest(array))``, a planner that thought a fresh product had
    one enrollment compared each of its 55,000 with all 50,000 addresses of an import, for
    minutes. Elsewhere the values are a VALUES list. Rows come back in no particular order and
    without the fields' Python conversions."""
    if not values:
        return []
    if connection.vendor == "postgresql":
        found = queryset.filter(**{f"{lookup}__any_of": values})
    else:
        target = _field_at(queryset.model, lookup)
        rows = [(value,) for value in values]
        table, params = values_table(target.model, [target.attname], rows)
        column = connection.ops.quote_name(target.column)
        listed = RawSQL(f"SELECT v.{column} FROM {table}", params)  # noqa: S608, S611
        found = queryset.filter(**{f"{lookup}__in": listed})
    return execute(*found.order_by().values_list(*fields).query.sql_with_params())[1]


def _field_at(model: type[Model], lookup: str) -> Field:
    """The field a lookup path ends on (``learner__email``: the user's email)."""
    *relations, name = lookup.split(LOOKUP_SEP)
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _unlisted(model: type[Model], given: set[str]) -> list[tuple[Field, object]]:
    """(field, value or callable) for every column the caller left out: the field's default,
    evaluated per row when it is a callable (``uuid4``), and now for ``auto_now`` fields.
    Columns the database fills (the primary key, ``db_default``) are skipped."""
    unlisted = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given or field.db_default is not NOT_PROVIDED:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            unlisted.append((field, timezone.now()))
        elif field.has_default() and callable(field.default):
            unlisted.append((field, field.get_default))
        else:
            unlisted.append((field, field.get_default()))
    return unlisted


def insert_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[Sequence],
    *,
    constants: Mapping[str, object] | None = None,
    returning: str | None = None,
) -> list:
    """Insert ``rows`` (one value per column) in batches; ``constants`` are columns with one value
    for every row, unlisted columns get their field's default. Returns the ``returning`` column
    of each row, in the rows' order, or an empty list."""
    constants = dict(constants or {})
    given = {field.attname for field in _fields(model, [*columns, *constants])}
    per_row, fixed = [], {}
    for field, value in _unlisted(model, given):
        if callable(value):
            per_row.append((field.attname, value))
        else:
            fixed[field.attname] = value
    constants |= fixed
    columns = [*columns, *(name for name, _ in per_row)]
    made = []
    for batch in batches(rows):
        if per_row:
            batch = [(*row, *(default() for _, default in per_row)) for row in batch]
        made += _insert_batch(model, columns, batch, constants, returning)
    return made


def _insert_batch(model, columns, rows, constants: dict, returning: str | None) -> list:
    if connection.vendor != "postgresql":
        names = [field.attname for field in _fields(model, [*columns, *constants])]
        values = [(*row, *constants.values()) for row in rows]
        objs = [model(**dict(zip(names, row, strict=True))) for row in values]
        model.objects.bulk_create(objs)
        return [getattr(obj, returning) for obj in objs] if returning else []
    table, params = values_table(model, columns, rows)
    fixed = _fields(model, list(constants))
    targets = [field.column for field in [*_fields(model, columns), *fixed]]
    select = [f"v.{connection.ops.quote_name(field.column)}" for field in _fields(model, columns)]
    select += [f"%s::{_sql_type(field)}" for field in fixed]
    values = [_db_value(f, value) for f, value in zip(fixed, constants.values(), strict=True)]
    params = values + params
    statement = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(map(connection.ops.quote_name, targets))}) "
        f"SELECT {', '.join(select)} FROM {table}"
    )
    if returning:
        column = model._meta.get_field(returning).column
        statement += f" RETURNING {connection.ops.quote_name(column)}"
    return [row[0] for row in execute(statement, params)[1]]


def insert_objects(objs: Sequence[Model]) -> list[Model]:
    """Insert unsaved instances of one model as ``insert_rows`` does, every concrete field read
    from them, and set their primary keys (``bulk_create`` on SQLite). A column with one value in
    every row (a status, a timestamp, an empty error) is sent once rather than as an array."""
    if not objs:
        return []
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    stamped = [field for field in fields if getattr(field, "auto_now", False)]
    stamped += [field for field in fields if getattr(field, "auto_now_add", False)]
    for obj in objs:
        for field in stamped:
            field.pre_save(obj, True)  # sets the time on the instance, as save() would
    values_of = attrgetter(*(field.attname for field in fields))  # one C call per row
    rows = [values_of(obj) for obj in objs] if len(fields) > 1 else [(values_of(o),) for o in objs]
    columns = dict(zip((field.attname for field in fields), zip(*rows, strict=True), strict=True))
    constants = {name: values[0] for name, values in columns.items() if _all_equal(values)}
    varying = [name for name in columns if name not in constants] or [fields[0].attname]
    constants.pop(varying[0], None)  # the rows need one array to be counted by
    rows = list(zip(*(columns[name] for name in varying), strict=True))
    pk = model._meta.pk.attname
    created = insert_rows(model, varying, rows, constants=constants, returning=pk)
    for obj, value in zip(objs, created, strict=True):
        setattr(obj, pk, value)
        obj._state.adding = False
    return list(objs)


def _all_equal(values: Sequence) -> bool:
    first = values[0]
    return all(value == first for value in values)
