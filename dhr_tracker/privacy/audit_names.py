"""The audit trail without plaintext names: what `security.audit` records in place of a real name.

A change to a real-name field is recorded as changed, with a keyed digest (HMAC-SHA-256, first 16 hex
digits, of the name read the way the guard reads it) instead of the value: the coordinator can still
see that a name was changed, and whether two entries hold the same name, but the trail never holds the
name. Free text that holds a stored real name (a note that named the victim, later corrected) is
recorded the same way: withheld, with its digest.

The key is 32 random bytes made on first use and kept in `app_meta` (key `audit_name_key`), inside the
SQLCipher-encrypted database: whoever can read it can read the names themselves, so it adds no
exposure; `app_meta` is never archived, so a JSON export's digests cannot be tested against guessed
names. The key is not audited (app_meta is not).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache
from typing import Any

from sqlalchemy import text

from dhr_tracker.privacy.guard import NameGuard
from dhr_tracker.privacy.normalise import folded_words

KEY_NAME = "audit_name_key"
REAL_NAME_COLUMNS = {"dhr_case": ("victim_real_name", "perpetrator_real_name")}
WITHHELD_PREFIX = "(withheld"


def audit_key(connection) -> bytes:
    """The digest key, made and stored on first use."""
    stored = connection.execute(text("SELECT value FROM app_meta WHERE key = :key"), {"key": KEY_NAME}).scalar()
    if stored:
        return bytes.fromhex(stored)
    key = secrets.token_bytes(32)
    connection.execute(
        text("INSERT INTO app_meta (key, value) VALUES (:key, :value)"), {"key": KEY_NAME, "value": key.hex()}
    )
    return key


def digest(key: bytes, value: str) -> str:
    return hmac.new(key, " ".join(folded_words(value)).encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def withheld_name(key: bytes, value: Any) -> Any:
    if value in (None, ""):
        return value
    if isinstance(value, str) and value.startswith(WITHHELD_PREFIX):
        return value
    return f"(withheld real name; keyed digest {digest(key, str(value))})"


def withheld_text(key: bytes, value: str) -> str:
    return f"(withheld text that held a real name; keyed digest {digest(key, value)})"


@lru_cache(maxsize=8)
def _guard(names: tuple[tuple[str, str], ...]) -> NameGuard:
    return NameGuard(names)


def stored_names(connection) -> tuple[tuple[str, str], ...]:
    rows = connection.execute(text("SELECT reference, victim_real_name, perpetrator_real_name FROM dhr_case"))
    return tuple(sorted((reference, name) for reference, *names in rows for name in names if name))


def redact_values(
    key: bytes, guard: NameGuard, table: str, changes: dict[str, Any], real_values: dict[str, list[Any]] | None = None
) -> dict[str, Any]:
    """The changes with real-name columns as digests and free text that holds a real name withheld.
    `real_values`: {column: [old, new]} or {column: [value]} of the real-name columns, where known."""
    name_columns = REAL_NAME_COLUMNS.get(table, ())
    redacted: dict[str, Any] = {}
    for column, value in changes.items():
        if column in name_columns:
            known = (real_values or {}).get(column)
            if isinstance(value, list):
                sources = known if known and len(known) == len(value) else value
                redacted[column] = [withheld_name(key, item) if item not in (None, "") else item for item in sources]
            else:
                source = known[0] if known else value
                redacted[column] = withheld_name(key, source)
        else:
            redacted[column] = _redact_text(key, guard, value)
    return redacted


def _redact_text(key: bytes, guard: NameGuard, value: Any) -> Any:
    if isinstance(value, str):
        return withheld_text(key, value) if not value.startswith(WITHHELD_PREFIX) and guard.found_in(value) else value
    if isinstance(value, list):
        return [_redact_text(key, guard, item) for item in value]
    if isinstance(value, dict):
        return {name: _redact_text(key, guard, item) for name, item in value.items()}
    return value


class AuditRedactor:
    """What `security.audit` records for each object's changes in one flush: no real name, in any field.

    Made once per flush, on the flush's connection (the names stored after the flush, the key)."""

    def __init__(self, session):
        self._connection = session.connection()
        self._names = stored_names(self._connection)
        self._key: bytes | None = None
        self._stored_guard: NameGuard | None = None

    def __call__(self, obj: Any, table: str, changes: dict[str, Any]) -> dict[str, Any]:
        from sqlalchemy.orm.attributes import get_history

        extra: list[tuple[str, str]] = []
        real_values: dict[str, list[Any]] = {}
        for column in REAL_NAME_COLUMNS.get(table, ()):
            if column not in changes:
                continue
            if isinstance(changes[column], list):
                history = get_history(obj, column)
                real_values[column] = [
                    history.deleted[0] if history.deleted else None,
                    history.added[0] if history.added else None,
                ]
            else:
                real_values[column] = [obj.__dict__.get(column)]
            extra += [("", value) for value in real_values[column] if value]  # an old name, just changed
        if self._key is None:
            self._key = audit_key(self._connection)
        if extra:
            guard = _guard(self._names + tuple(extra))
        else:  # the same for every object of the flush: made (or found) once, not per object
            if self._stored_guard is None:
                self._stored_guard = _guard(self._names)
            guard = self._stored_guard
        return redact_values(self._key, guard, table, changes, real_values)
