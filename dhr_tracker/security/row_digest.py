"""The digest of a record's stored state, which ties each audit entry to the data itself.

Canonical serialisation (also in docs/SECURITY.md; never change it without a migration that records a
new baseline): a row's state is SQLite's `json_array()` of its stored column values, columns in
alphabetical order of name; a table that owns a link table (a many-to-many relationship, such as a
recommendation's supporting agencies) appends one more element, the link rows' other columns joined
by ',' per row and ';' between rows, rows in byte order, or null when there are none. The digest is the
SHA-256 of that text's UTF-8, in lower-case hex. The serialisation is computed by the database engine
from what is stored, so the app's account of a value can never differ from what `audit verify` reads
back; on a team database (PostgreSQL) storage.row_state builds the byte-identical text, so a row has
the same digest on both engines and a trail moved between them still verifies.

A role that may not read a table (the auditor on a team database) reads its digests from a view the
server computes them in (storage.postgres.create_digest_views), never the rows.

A row's name in the trail (`entity_id`) is its primary key values in key order, as text, joined by ','.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection, Date, String, Table

from dhr_tracker.errors import UserError
from dhr_tracker.storage import row_state

NOT_AUDITED = frozenset({"audit_entry", "audit_imported_entry", "app_meta", "alembic_version"})
_BATCH = 300  # keys per query: well under SQLite's bound-parameter limit even for two-column keys


@dataclass(frozen=True)
class LinkTable:
    """A many-to-many link table whose rows count as part of the owning row's state."""

    table: Table
    owner_columns: tuple[str, ...]  # the link columns that point at the owner, in the owner's key order
    other_columns: tuple[str, ...]


@cache
def _metadata_tables() -> dict[str, Table]:
    from dhr_tracker.model import Base

    return dict(Base.metadata.tables)


@cache
def link_tables() -> dict[str, LinkTable]:
    """Owner table name -> its link table, from the relationships declared with `secondary`."""
    from dhr_tracker.model import Base

    links: dict[str, LinkTable] = {}
    for mapper in Base.registry.mappers:
        for relationship in mapper.relationships:
            secondary = relationship.secondary
            if secondary is None:
                continue
            # The model declares every link table as a plain Table and maps every class to one table
            # (no joins, no selectables), so both are Tables with names and primary keys.
            assert isinstance(secondary, Table), f"{relationship} has a secondary that is not a Table"
            owner_table = mapper.local_table
            assert isinstance(owner_table, Table), f"{mapper} is mapped to something other than one Table"
            if secondary.name in {link.table.name for link in links.values()}:
                continue
            owner_pairs = {owner.name: link.name for owner, link in relationship.synchronize_pairs}
            owner_columns = tuple(owner_pairs[column.name] for column in owner_table.primary_key.columns)
            others = tuple(sorted(c.name for c in secondary.columns if c.name not in owner_columns))
            links[owner_table.name] = LinkTable(secondary, owner_columns, others)
    return links


@cache
def audited_tables() -> tuple[Table, ...]:
    """Every table whose rows the trail accounts for (link tables through their owner)."""
    linked = {link.table.name for link in link_tables().values()}
    return tuple(table for name, table in sorted(_metadata_tables().items()) if name not in NOT_AUDITED | linked)


def table_named(name: str) -> Table:
    return _metadata_tables()[name]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@cache
def state_sql(table_name: str, dialect: str) -> tuple[str, int]:
    """The canonical state expression of a row of `table_name` AS t, and the number of key columns.

    The one place the engine matters: storage.row_state writes the same canonical text on each."""
    table = table_named(table_name)
    keys = [column.name for column in table.primary_key.columns]
    link = link_tables().get(table_name)
    link_spec = None
    if link is not None:
        link_spec = (link.table.name, list(zip(link.owner_columns, keys)), link.other_columns)
    return row_state.state_expression(dialect, list(table.columns), link_spec), len(keys)


@cache
def _state_select(table_name: str, dialect: str) -> tuple[str, int]:
    """SELECT <key columns>, <canonical state> FROM <table> AS t, and the number of key columns."""
    state, width = state_sql(table_name, dialect)
    columns = ", ".join(f"t.{_quoted(column.name)}" for column in table_named(table_name).primary_key.columns)
    return f"SELECT {columns}, {state} FROM {_quoted(table_name)} AS t", width


def digests_only(connection: Connection, table_name: str) -> bool:
    """Whether the signed-in role sees only the table's row digests, not its rows (an auditor on a team database)."""
    return _digest_view(connection, table_name) is not None


def _digest_view(connection: Connection, table_name: str) -> str | None:
    """On a team database, the view giving the table's row digests when the signed-in role may not read the
    table itself (storage.postgres); None where the digests are computed from the rows."""
    if _dialect(connection) != "postgresql":
        return None
    from dhr_tracker.storage.postgres import digest_view_for

    return digest_view_for(connection, table_name)


def _dialect(connection: Connection) -> str:
    return connection.dialect.name


def entity_id(key: Sequence[Any]) -> str:
    """A row's name in the trail from its stored key values (the same text `audit` gives an ORM object)."""
    return ",".join(str(part) for part in key)


def digest_of(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


def _driver_rows(connection: Connection, table_name: str):
    """(keys, digests) of the whole table in chunks, through the driver's own cursor: `audit verify` reads
    every row of the database (650,000 at national scale), and SQLAlchemy's per-row handling would double it."""
    dialect = _dialect(connection)
    sql, width = _state_select(table_name, dialect)
    view = _digest_view(connection, table_name)
    if view is not None:
        sql = f"SELECT * FROM {_quoted(view)}"
    else:
        state, _ = state_sql(table_name, dialect)
        sql = sql.replace(state, row_state.as_utf8(dialect, state), 1)  # the driver need not decode what is hashed
    cursor = row_state.streaming_cursor(connection.connection.driver_connection, dialect)
    try:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(_CHUNK):
            keys = [str(row[0]) for row in chunk] if width == 1 else [entity_id(row[:width]) for row in chunk]
            values = [row[width] for row in chunk]
            yield keys, values if view is not None else _hex_digests(values)
    finally:
        cursor.close()


_CHUNK = 20_000


def _hex_digests(states: list[str] | list[bytes]) -> list[str]:
    # map() keeps the per-row work in C: this runs once per row of the database.
    return list(map(_HEXDIGEST, map(hashlib.sha256, row_state.utf8_bytes(states))))


_HEXDIGEST = operator.methodcaller("hexdigest")


BLOCK_ROWS = 1024  # rows per block of a baseline: a write through the app sends one block, not its table, row by row


def _key_columns(table_name: str) -> list:
    return list(table_named(table_name).primary_key.columns)


def _compared_keys(table_name: str, dialect: str) -> list[str]:
    """The key columns as compared and ordered: text byte by byte on both engines (UTF-8 byte order)."""
    return [
        row_state.in_byte_order(dialect, f"t.{_quoted(column.name)}")
        if isinstance(column.type, String)
        else f"t.{_quoted(column.name)}"
        for column in _key_columns(table_name)
    ]


def _range_select(table_name: str, dialect: str, *, lower: bool, upper: bool, with_names: bool) -> str:
    """SELECT [the key columns,] the state as UTF-8 of the rows whose key is at least the lower bound and below the
    upper one (each a parameter, each optional), in key order."""
    state, _ = state_sql(table_name, dialect)
    compared = _compared_keys(table_name, dialect)
    key = compared[0] if len(compared) == 1 else f"({', '.join(compared)})"
    mark = row_state.placeholder(dialect)
    bound = mark if len(compared) == 1 else f"({', '.join(mark for _ in compared)})"
    where = ([f"{key} >= {bound}"] if lower else []) + ([f"{key} < {bound}"] if upper else [])
    names = "".join(f"t.{_quoted(column.name)}, " for column in _key_columns(table_name)) if with_names else ""
    return (
        f"SELECT {names}{row_state.as_utf8(dialect, state)} FROM {_quoted(table_name)} AS t"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + f" ORDER BY {', '.join(compared)}"
    )


def _bound(table_name: str, dialect: str, key: Sequence[Any]) -> tuple:
    """A block's first key (as the baseline wrote it) as query parameters: dates as dates on PostgreSQL."""
    if dialect == "sqlite":
        return tuple(key)
    return tuple(
        dt.date.fromisoformat(value) if isinstance(column.type, Date) and isinstance(value, str) else value
        for column, value in zip(_key_columns(table_name), key)
    )


def _block_rows(connection: Connection, table_name: str, lower: Sequence[Any] | None, upper: Sequence[Any] | None):
    """(row names, states as UTF-8) of the rows from key `lower` up to, not including, key `upper`, in key order."""
    dialect = _dialect(connection)
    sql = _range_select(table_name, dialect, lower=lower is not None, upper=upper is not None, with_names=True)
    params = (_bound(table_name, dialect, lower) if lower is not None else ()) + (
        _bound(table_name, dialect, upper) if upper is not None else ()
    )
    rows = connection.exec_driver_sql(sql, params).all()
    width = len(_key_columns(table_name))
    names = [str(row[0]) for row in rows] if width == 1 else [entity_id(row[:width]) for row in rows]
    return names, row_state.utf8_bytes([row[width] for row in rows])


def _block_states(connection: Connection, table_name: str, lower: Sequence[Any] | None, upper: Sequence[Any] | None):
    """The states as UTF-8 of the rows from key `lower` up to, not including, key `upper`, in key order."""
    dialect = _dialect(connection)
    sql = _range_select(table_name, dialect, lower=lower is not None, upper=upper is not None, with_names=False)
    params = (_bound(table_name, dialect, lower) if lower is not None else ()) + (
        _bound(table_name, dialect, upper) if upper is not None else ()
    )
    driver = connection.connection.driver_connection
    assert driver is not None, "a connection without its driver's"
    cursor = driver.cursor()
    try:
        cursor.execute(sql, params)
        return row_state.utf8_bytes(list(map(_FIRST, cursor.fetchall())))
    finally:
        cursor.close()


def _stream_digest(states: list[bytes]) -> str:
    """SHA-256 over each state followed by a line feed (never inside a state: JSON escapes control characters)."""
    return hashlib.sha256(b"\n".join(states) + b"\n" if states else b"").hexdigest()


@dataclass(frozen=True)
class Block:
    """A run of up to BLOCK_ROWS rows in key order, from its first row's key to the next block's first key."""

    first: tuple  # the first row's key values as stored (dates as ISO text)
    rows: int
    sha256: str  # _stream_digest of its rows' states

    def content(self) -> list:
        return [list(self.first), self.rows, self.sha256]


@dataclass(frozen=True)
class TableState:
    """What a baseline records of a table: its rows' count, its blocks, each row's digest (in key order)."""

    row_count: int
    blocks: tuple[Block, ...]
    rows_json: str  # {"<row>":"<digest>",...}, compact, rows in key order


def table_state(connection: Connection, table_name: str) -> TableState:
    """Every row's digest and the table's blocks (docs/SECURITY.md, "Baselines"), in one read in key order."""
    dialect = _dialect(connection)
    width = len(_key_columns(table_name))
    digests: dict[str, str] = {}
    blocks: list[Block] = []

    def add(rows: list) -> None:
        states = row_state.utf8_bytes([row[width] for row in rows])
        digests.update(zip([entity_id(row[:width]) for row in rows], _hex_digests(states)))
        blocks.append(Block(tuple(stored_key(value) for value in rows[0][:width]), len(rows), _stream_digest(states)))

    cursor = row_state.streaming_cursor(connection.connection.driver_connection, dialect)
    try:
        cursor.execute(_range_select(table_name, dialect, lower=False, upper=False, with_names=True))
        pending: list = []
        while chunk := cursor.fetchmany(BLOCK_ROWS):
            pending.extend(chunk)
            while len(pending) >= BLOCK_ROWS:
                add(pending[:BLOCK_ROWS])
                pending = pending[BLOCK_ROWS:]
        if pending:
            add(pending)
    finally:
        cursor.close()
    return TableState(len(digests), tuple(blocks), json.dumps(digests, ensure_ascii=False, separators=(",", ":")))


def table_digests(connection: Connection, table_name: str) -> dict[str, str]:
    """entity_id -> digest for every row of the table."""
    digests: dict[str, str] = {}
    for keys, chunk in _driver_rows(connection, table_name):
        digests.update(zip(keys, chunk))
    return digests


@dataclass(frozen=True)
class Baseline:
    """A table's baseline entry as the trail holds it.

    Written before schema 0007 (`compact` False), its content is `{"reason":…,"rows":{"<row>":"<digest>",…}}`
    and `text` is that content. From 0007 on, the content holds `row_count`, `blocks` ([first key, rows,
    SHA-256 over their states] per run of BLOCK_ROWS rows in key order) and `digests_sha256`, and the per-row
    digests are kept beside the entry (`baseline_rows`), fetched only when they are needed and trusted only
    when their SHA-256 is the one the hashed content recorded."""

    table: str
    entry_id: int
    compact: bool
    text: str  # the entry's content
    row_count: int = 0
    blocks: tuple[Block, ...] = ()
    digests_sha256: str = ""


class BaselineAltered(UserError):
    """The per-row digests kept beside a baseline entry are not the ones its hashed content recorded."""

    def __init__(self, table: str, entry_id: int):
        super().__init__(
            f"The row digests kept with the {table} baseline (entry {entry_id}) are not the ones that entry recorded: "
            "they were changed outside DHR Tracker."
        )
        self.table, self.entry_id = table, entry_id


class RecordedStates:
    """What the trail last recorded for each row: table -> row -> digest, None where the row was deleted.

    A baseline's digests are parsed only for a table that has to be compared row by row. `kept_rows`: how to
    read the per-row digests kept beside a compact baseline entry (by its id), where they are not in the
    content."""

    def __init__(self, kept_rows: Callable[[int], str | None] | None = None) -> None:
        self._baselines: dict[str, Baseline] = {}
        self.compact_baselines: list[Baseline] = []  # every one in the trail, superseded or not
        self._since: dict[str, dict[str, str | None]] = {}  # table -> row -> digest, from the entries after it
        self._kept_rows = kept_rows
        self._checked: dict[int, bytes] = {}  # entry id -> kept digests already checked against it

    def baseline(self, table: str, entry_id: int, changes_json: str) -> None:
        if _ROWS_KEY in changes_json:  # the per-row digests are in the content (before schema 0007)
            found = Baseline(table, entry_id, False, changes_json)
        else:
            content = json.loads(changes_json)
            blocks = tuple(Block(tuple(first), int(rows), str(sha)) for first, rows, sha in content["blocks"])
            found = Baseline(
                table, entry_id, True, changes_json, int(content["row_count"]), blocks, str(content["digests_sha256"])
            )
        self._baselines[table] = found
        self._since.pop(table, None)
        if found.compact:
            self.compact_baselines.append(found)

    def record(self, table: str, row: str, digest: str | None) -> None:
        self._since.setdefault(table, {})[row] = digest

    def tables(self) -> set[str]:
        return set(self._baselines) | set(self._since)

    def rows(self, table: str) -> dict[str, str | None]:
        """row -> digest for every row of the table the trail has recorded (BaselineAltered if its baseline's
        kept digests were changed)."""
        found: dict[str, str | None] = {}
        if table in self._baselines:
            found.update(json.loads(self.baseline_rows(table)))
        found.update(self._since.get(table, {}))
        return found

    def baseline_rows(self, table: str) -> str:
        """The table's latest baseline's per-row digests as JSON text, `{"<row>":"<digest>",…}`."""
        baseline = self._baselines[table]
        if not baseline.compact:
            start = baseline.text.index(_ROWS_KEY) + len(_ROWS_KEY) - 1
            return baseline.text[start:-1]
        checked = self._checked.get(baseline.entry_id)
        if checked is not None:
            return checked.decode("utf-8")
        kept = self._kept_rows(baseline.entry_id) if self._kept_rows is not None else None
        if not isinstance(kept, str) or hashlib.sha256(kept.encode("utf-8")).hexdigest() != baseline.digests_sha256:
            raise BaselineAltered(table, baseline.entry_id)
        return kept

    def kept_bytes(self, table: str) -> bytes:
        """The table's latest compact baseline's kept digests as UTF-8, checked against the entry."""
        baseline = self._baselines[table]
        checked = self._checked.get(baseline.entry_id)
        return checked if checked is not None else self.baseline_rows(table).encode("utf-8")

    def checked_kept(self, entry_id: int, digest: str, kept: bytes) -> None:
        """Kept digests already read and hashed (altered_baselines): held, if they are right and the table's latest
        baseline's and entries follow it (its rows will be compared), so they need not be read twice."""
        for table, baseline in self._baselines.items():
            if baseline.entry_id == entry_id and digest == baseline.digests_sha256 and table in self._since:
                self._checked[entry_id] = kept

    def unchanged_baseline(self, table: str) -> Baseline | None:
        """The table's latest baseline when no entry for the table follows it, else None."""
        return self._baselines.get(table) if table not in self._since else None

    def latest_baseline(self, table: str) -> Baseline | None:
        return self._baselines.get(table)

    def since_baseline(self, table: str) -> dict[str, str | None]:
        """row -> digest (None: deleted) from the entries after the table's latest baseline (or all of them)."""
        return self._since.get(table, {})


def altered_baselines(connection: Connection, recorded: RecordedStates) -> list[Baseline]:
    """The compact baselines whose kept per-row digests are not the ones their hashed content recorded (changed,
    replaced or wiped outside DHR Tracker). Every kept byte is read, as bytes: 50 MB at national scale."""
    if not recorded.compact_baselines:
        return []
    kept = row_state.as_utf8(_dialect(connection), "baseline_rows")
    found: dict[int, str] = {}
    cursor = row_state.streaming_cursor(connection.connection.driver_connection, _dialect(connection))
    try:
        cursor.execute(f"SELECT id, {kept} FROM audit_entry WHERE action = 'baseline' AND baseline_rows IS NOT NULL")
        while row := cursor.fetchone():  # one set at a time: 30 MB for the progress updates at national scale
            entry_id, (kept_bytes,) = row[0], row_state.utf8_bytes([row[1]])
            found[entry_id] = digest = hashlib.sha256(kept_bytes).hexdigest()
            recorded.checked_kept(entry_id, digest, kept_bytes)
    finally:
        cursor.close()
    return [
        baseline for baseline in recorded.compact_baselines if found.get(baseline.entry_id) != baseline.digests_sha256
    ]


def matches_baseline(connection: Connection, table_name: str, baseline: Baseline, recorded: RecordedStates) -> bool:
    """Whether the table's rows are exactly the ones its baseline recorded, compared as lists (False: compare row
    by row): for a baseline written before schema 0007, or a role that reads only digests.

    The baseline's digests are taken from its rows text in the order it holds them, and the current ones are
    computed in that same order (names sorted before 0007, key order since). Equal lists mean equal rows
    whatever the order: every row's state includes its key columns, so a current row whose digest the baseline
    holds is, barring a SHA-256 collision, that very row in the recorded state, and equal lengths leave none
    over on either side. An order that differs only sends the table to the row-by-row comparison."""
    digests = _baseline_digests(recorded.baseline_rows(table_name))
    return digests is not None and _current_digests(connection, table_name, by_name=not baseline.compact) == digests


def block_differences(
    connection: Connection, table_name: str, baseline: Baseline, recorded: RecordedStates
) -> tuple[list[tuple[str, str]], bool]:
    """(row, 'added' | 'changed' | 'deleted') for each row that differs from what a compact baseline and the
    entries after it recorded, and whether some block differed with no single row to name.

    Each block's rows are read by their key range with one running hash; only a block that holds a row an
    entry after the baseline names, or whose hash differs, is compared row by row (its kept digests and those
    entries), so a write through the app costs one block, not the table."""
    since = recorded.since_baseline(table_name)
    firsts = [block.first for block in baseline.blocks]
    touched: set[int] = set()
    for name in since:
        key = _key_of_name(table_name, name)
        if key is None:  # not a key of this table: every block row by row (the rows are named there)
            touched = set(range(len(firsts)))
            break
        touched.add(max(bisect.bisect_right(firsts, key) - 1, 0))
    found: list[tuple[str, str]] = []
    unnamed = False
    kept: bytes | None = None
    for index, block in enumerate(baseline.blocks):
        lower = block.first if index else None
        upper = firsts[index + 1] if index + 1 < len(firsts) else None
        if index not in touched:
            states = _block_states(connection, table_name, lower, upper)
            if len(states) == block.rows and _stream_digest(states) == block.sha256:
                continue
        if kept is None:
            kept = recorded.kept_bytes(table_name)  # checked against the entry (BaselineAltered if not)
        expected: dict[str, str | None] = dict(_kept_block(kept, baseline, index))
        expected.update(
            (name, digest) for name, digest in since.items() if _in_range(_key_of_name(table_name, name), lower, upper)
        )
        names, states = _block_rows(connection, table_name, lower, upper)
        current = dict(zip(names, _hex_digests(states)))
        differing = [
            (name, "added" if expected.get(name) is None else "changed")
            for name, digest in current.items()
            if expected.get(name) != digest
        ]
        differing += [
            (name, "deleted") for name, digest in expected.items() if digest is not None and name not in current
        ]
        if not differing and index not in touched:
            unnamed = True
        found.extend(differing)
    return found, unnamed


def _kept_block(kept: bytes, baseline: Baseline, index: int) -> dict[str, str]:
    """The kept digests of one block's rows: a slice of the kept text (as UTF-8, never decoded whole: 30 MB for
    the progress updates at national scale), which lists the rows in key order."""

    def start_of(block: Block) -> int:
        name = entity_id(block.first)
        at = kept.find((json.dumps(name, ensure_ascii=False) + ':"').encode("utf-8"))
        if at < 0:
            raise BaselineAltered(baseline.table, baseline.entry_id)
        return at

    start = start_of(baseline.blocks[index]) if index else 1
    end = start_of(baseline.blocks[index + 1]) if index + 1 < len(baseline.blocks) else len(kept) - 1
    return json.loads(b"{" + kept[start:end].rstrip(b",") + b"}")


def _key_of_name(table_name: str, name: str) -> tuple | None:
    """A row's key values from its name in the trail, as stored (whole numbers as int, the rest as text)."""
    columns = _key_columns(table_name)
    parts = name.split(",") if len(columns) > 1 else [name]
    if len(parts) != len(columns):
        return None
    try:
        return tuple(int(part) if column.type.python_type is int else part for part, column in zip(parts, columns))
    except ValueError:
        return None


def _in_range(key: tuple | None, lower: tuple | None, upper: tuple | None) -> bool:
    return key is not None and (lower is None or key >= lower) and (upper is None or key < upper)


_ROWS_KEY = '"rows":{'


def _baseline_digests(rows_text: str) -> list[str] | None:
    """The digests of a baseline's rows text, `{"<row>":"<digest>",…}` (compact, names sorted), in their order
    there, or None when the text is not as expected. In JSON an unescaped `"` only opens or closes a string, so
    `":"` occurs exactly once per row, between its name and its digest (a `":"` inside a name would be
    written `\\":\\"`)."""
    if not rows_text.startswith("{") or not rows_text.endswith("}"):
        return None
    pieces = rows_text[:-1].split('":"')
    return [piece[:64] for piece in pieces[1:]]


def _current_digests(connection: Connection, table_name: str, *, by_name: bool) -> list[str]:
    """The digest of every row of the table, ordered by the row's name (`entity_id`) in code-point order, or by
    its key."""
    dialect = _dialect(connection)
    table = table_named(table_name)
    if by_name:
        name = " || ',' || ".join(f"CAST(t.{_quoted(column.name)} AS TEXT)" for column in table.primary_key.columns)
        order = row_state.in_byte_order(dialect, name)
    else:
        order = ", ".join(_compared_keys(table_name, dialect))
    view = _digest_view(connection, table_name)
    if view is not None:
        sql = f"SELECT t.row_digest FROM {_quoted(view)} AS t ORDER BY {order}"
    else:
        state, _ = state_sql(table_name, dialect)
        sql = f"SELECT {row_state.as_utf8(dialect, state)} FROM {_quoted(table_name)} AS t ORDER BY {order}"
    digests: list[str] = []
    cursor = row_state.streaming_cursor(connection.connection.driver_connection, dialect)
    try:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(_CHUNK):
            values = list(map(_FIRST, chunk))
            digests.extend(values if view is not None else _hex_digests(values))
    finally:
        cursor.close()
    return digests


_FIRST = operator.itemgetter(0)


def differing_rows(connection: Connection, table_name: str, recorded: dict[str, str | None]) -> list[tuple[str, str]]:
    """(row, 'added' | 'changed' | 'deleted') for each row whose state does not match `recorded`, streaming the
    table rather than holding its digests (memory stays flat at national scale)."""
    found: list[tuple[str, str]] = []
    matched = 0
    for keys, chunk in _driver_rows(connection, table_name):
        for key, digest in zip(keys, chunk):
            wanted = recorded.get(key)
            if wanted == digest:
                matched += 1
            else:
                found.append((key, "added" if wanted is None else "changed"))
                if wanted is not None:
                    matched += 1
    present = sum(1 for digest in recorded.values() if digest is not None)
    if matched != present:  # some recorded rows are gone: find which (rare, so a second, key-only pass)
        key_names = ", ".join(f'"{column.name}"' for column in table_named(table_name).primary_key.columns)
        source = _digest_view(connection, table_name) or table_name
        current = {entity_id(row) for row in connection.exec_driver_sql(f"SELECT {key_names} FROM {_quoted(source)}")}
        found.extend((key, "deleted") for key, digest in recorded.items() if digest is not None and key not in current)
    return found


def digests_for(connection: Connection, table_name: str, keys: Iterable[Sequence[Any]]) -> dict[str, str]:
    """entity_id -> digest for the rows with these stored key values that exist (a missing row is left out)."""
    sql, width = _state_select(table_name, _dialect(connection))
    mark = row_state.placeholder(_dialect(connection))
    key_names = ", ".join(f"t.{_quoted(column.name)}" for column in table_named(table_name).primary_key.columns)
    found: dict[str, str] = {}
    keys = list(dict.fromkeys(tuple(key) for key in keys))
    for start in range(0, len(keys), _BATCH):
        batch = keys[start : start + _BATCH]
        if width == 1:
            where = f" WHERE {key_names} IN ({', '.join(mark for _ in batch)})"
            params = tuple(key[0] for key in batch)
        else:
            one = "(" + ", ".join(mark for _ in range(width)) + ")"
            where = f" WHERE ({key_names}) IN (VALUES {', '.join(one for _ in batch)})"
            params = tuple(value for key in batch for value in key)
        for row in connection.exec_driver_sql(sql + where, params):
            found[entity_id(row[:width])] = digest_of(row[width])
    return found


def orphan_link_rows(connection: Connection) -> list[tuple[str, str]]:
    """(link table, row) for link rows whose owner does not exist: put there behind the app's back."""
    orphans: list[tuple[str, str]] = []
    for owner_name, link in link_tables().items():
        owner = table_named(owner_name)
        joined = " AND ".join(
            f"o.{_quoted(key.name)} = l.{_quoted(column)}"
            for column, key in zip(link.owner_columns, owner.primary_key.columns)
        )
        names = ", ".join(f"l.{_quoted(column.name)}" for column in link.table.primary_key.columns)
        owner_source = _digest_view(connection, owner_name) or owner_name  # the view has the owner's keys
        sql = (
            f"SELECT {names} FROM {_quoted(link.table.name)} AS l "
            f"WHERE NOT EXISTS (SELECT 1 FROM {_quoted(owner_source)} AS o WHERE {joined})"
        )
        orphans.extend((link.table.name, entity_id(row)) for row in connection.exec_driver_sql(sql))
    return orphans


def stored_key(value: Any) -> Any:
    """A key value as SQLite stores it (dates as ISO text), for looking a row up by an ORM object's identity."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, (int, str)):
        return value.value
    return value


def database_dependents(connection: Connection, table_name: str, key: Sequence[Any]) -> list[tuple[str, tuple, str]]:
    """Rows the database itself will delete or change (ON DELETE CASCADE / SET NULL) when this row goes.

    (table, key, 'delete' | 'update'), followed recursively through cascades; the ORM never sees these
    changes, so the trail records them from here.
    """
    found: list[tuple[str, tuple, str]] = []
    pending = [(table_name, tuple(key))]
    seen = {(table_name, tuple(key))}
    while pending:
        parent_name, parent_key = pending.pop()
        parent = table_named(parent_name)
        parent_keys = {column.name: value for column, value in zip(parent.primary_key.columns, parent_key)}
        linked = {link.table.name for link in link_tables().values()}
        for child in _metadata_tables().values():
            if child.name in NOT_AUDITED or child.name in linked:
                continue  # a link table's rows are part of their owner's state
            for constraint in child.foreign_key_constraints:
                on_delete = (constraint.ondelete or "").upper()
                if constraint.referred_table.name != parent_name or on_delete not in ("CASCADE", "SET NULL"):
                    continue
                conditions, params = [], []
                for element in constraint.elements:
                    conditions.append(f"{_quoted(element.parent.name)} = {row_state.placeholder(_dialect(connection))}")
                    params.append(parent_keys.get(element.column.name))
                names = ", ".join(_quoted(column.name) for column in child.primary_key.columns)
                rows = connection.exec_driver_sql(
                    f"SELECT {names} FROM {_quoted(child.name)} WHERE {' AND '.join(conditions)}", tuple(params)
                ).all()
                effect = "delete" if on_delete == "CASCADE" else "update"
                for row in rows:
                    marker = (child.name, tuple(row))
                    if marker in seen:
                        continue
                    seen.add(marker)
                    found.append((child.name, tuple(row), effect))
                    if effect == "delete":
                        pending.append(marker)
    return found
