"""A row's canonical state as one SQL expression, per engine: the text `security.row_digest` hashes.

The canonical form is what SQLite's `json_array()` makes of the stored values (docs/SECURITY.md):
`[v1,v2,...]` with no spaces; integers as digits; booleans as 0/1 (SQLite stores them so); dates as
"YYYY-MM-DD"; timestamps (UTC, no zone) as "YYYY-MM-DD HH:MM:SS.ffffff" (SQLAlchemy's SQLite form);
text as a JSON string with `"` `\\` escaped, \\b \\f \\n \\r \\t, other control characters as \\u00xx
and everything else as itself (UTF-8); NULL as null. On PostgreSQL the same text is built by hand
(`json_build_array` adds spaces and writes booleans and timestamps its own way); a test proves the
two engines give byte-identical text for the same row, odd Unicode included.

The only types in the schema are integer, text (enums are stored as text), boolean, date and
timestamp; a column of any other type is refused here rather than serialised in some ad-hoc way.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, String
from sqlalchemy.types import TypeDecorator, TypeEngine


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _postgres_value(column: str, kind: TypeEngine) -> str:
    """One column's JSON text on PostgreSQL, never NULL (NULL becomes the word null)."""
    if isinstance(kind, Boolean):
        text = f"CASE WHEN {column} THEN '1' ELSE '0' END"
    elif isinstance(kind, Integer):
        text = f"{column}::text"
    elif isinstance(kind, DateTime):
        text = f"'\"' || to_char({column}, 'YYYY-MM-DD HH24:MI:SS.US') || '\"'"
    elif isinstance(kind, Date):
        text = f"'\"' || to_char({column}, 'YYYY-MM-DD') || '\"'"
    elif isinstance(kind, String):
        text = f"to_json({column}::text)::text"
    else:
        raise TypeError(f"no canonical form for {column} of type {kind!r}")
    return f"COALESCE({text}, 'null')"


def _type_of(column: Column) -> TypeEngine:
    kind = column.type
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind  # UTCDateTime by what it stores


def state_expression(
    dialect: str, columns: Sequence[Column], link: tuple[str, Sequence[tuple[str, str]], Sequence[str]] | None = None
) -> str:
    """The SQL expression of the canonical state of a row of `t`.

    `columns`: the table's columns (with `.name` and `.type`), in any order (they are sorted by name).
    `link`: (link table, [(link column, owner key column)], other link columns) for a table that owns
    a many-to-many link table; its rows, as "a,b" joined by ';' in byte order, are one more element.
    """
    ordered = sorted(columns, key=lambda column: column.name)
    link_text = None
    if link is not None:
        link_table, pairs, others = link
        joined = " AND ".join(f"l.{quoted(owner)} = t.{quoted(key)}" for owner, key in pairs)
        row_text = " || ',' || ".join(f"CAST(l.{quoted(name)} AS TEXT)" for name in others)
        aggregate = (
            f"group_concat({row_text}, ';' ORDER BY {row_text})"
            if dialect == "sqlite"
            else f"string_agg({row_text}, ';' ORDER BY {row_text} COLLATE \"C\")"
        )
        link_text = f"(SELECT {aggregate} FROM {quoted(link_table)} AS l WHERE {joined})"
    if dialect == "sqlite":
        parts = [f"t.{quoted(column.name)}" for column in ordered]
        if link_text is not None:
            parts.append(link_text)
        return f"json_array({', '.join(parts)})"
    if dialect != "postgresql":
        raise ValueError(f"no canonical row state for the {dialect} engine")
    parts = [_postgres_value(f"t.{quoted(column.name)}", _type_of(column)) for column in ordered]
    if link_text is not None:
        parts.append(f"COALESCE(to_json({link_text})::text, 'null')")
    return "'[' || " + " || ',' || ".join(parts) + " || ']'"


def as_utf8(dialect: str, text_sql: str) -> str:
    """A text expression handed to Python as its UTF-8 bytes where the engine can do so without the driver
    decoding it (SQLite: a blob of the database's encoding); PostgreSQL's driver returns text (see utf8_bytes)."""
    return f"CAST({text_sql} AS BLOB)" if dialect == "sqlite" else text_sql


def utf8_bytes(values: list) -> list[bytes]:
    """What `as_utf8` expressions returned, as bytes on either engine."""
    return values if not values or isinstance(values[0], bytes) else [value.encode("utf-8") for value in values]


def in_byte_order(dialect: str, text_sql: str) -> str:
    """A text expression compared byte by byte (UTF-8, so code-point order, as Python sorts str), whatever the
    server's collation: SQLite's default BINARY already is; PostgreSQL needs the "C" collation."""
    return f'({text_sql}) COLLATE "C"' if dialect == "postgresql" else text_sql


def placeholder(dialect: str) -> str:
    """The driver's positional parameter marker, for statements run with `exec_driver_sql`."""
    return "?" if dialect == "sqlite" else "%s"


# --- Digest views (team database) ------------------------------------------------------------------
# A role that may not read a table's every column (the auditor reads no case data; the viewer no real
# names) still verifies it: the schema's owner keeps one view per audited table giving only each row's
# key and digest, computed by the server from the same canonical text. Views run with their owner's
# rights, so reading one reveals the digest (already in the trail) and nothing else.

DIGEST_VIEW_PREFIX = "audit_row_digest_"


def digest_view_name(table: str) -> str:
    return DIGEST_VIEW_PREFIX + table


def digest_view_select(table: str, keys: Sequence[str], state: str) -> str:
    """The SELECT of a table's digest view: its key columns, then `row_digest` (lower-case hex SHA-256)."""
    columns = ", ".join(f"t.{quoted(name)}" for name in keys)
    return (
        f"SELECT {columns}, encode(sha256(convert_to({state}, 'UTF8')), 'hex') AS row_digest FROM {quoted(table)} AS t"
    )


def streaming_cursor(driver_connection, dialect: str):
    """A driver cursor that streams a whole table in `fetchmany` chunks: SQLite's does by itself; psycopg's
    default one would hold every row in memory first, so on PostgreSQL a named (server-side) cursor."""
    if dialect == "postgresql":
        return driver_connection.cursor(name="dhr_row_states")
    return driver_connection.cursor()
