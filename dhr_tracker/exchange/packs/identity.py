"""The pack identifier and its checksums (HMAC-SHA256 under a key kept in the encrypted database).

A returned file is trusted only as far as these checks go: the identifier names the pack in the
register; the pack checksum proves the identifier, round, agency and rows were not changed; each row
key proves which recommendation the row is about. An agency cannot forge either without the key,
which never leaves the database.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

_ROW_KEY = re.compile(r"^R(\d{1,12})-([0-9a-f]{12})$")
_PACK_ID = re.compile(r"^(UP-[0-9A-Z]{10})/([0-9a-f]{16})$")
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: nothing to misread when read out


def new_identifier() -> str:
    return "UP-" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def new_signing_key() -> str:
    return secrets.token_hex(32)


def _mac(key: str, message: str) -> str:
    return hmac.new(bytes.fromhex(key), message.encode("utf-8"), hashlib.sha256).hexdigest()


def row_key(key: str, identifier: str, recommendation_id: int) -> str:
    """The hidden key of one row: the recommendation id and a checksum over it and the pack."""
    return f"R{recommendation_id}-{_mac(key, f'row:{identifier}:{recommendation_id}')[:12]}"


def parse_row_key(text: str) -> tuple[int, str] | None:
    match = _ROW_KEY.match(text.strip()) if isinstance(text, str) else None
    return (int(match.group(1)), match.group(2)) if match else None


def row_key_valid(key: str, identifier: str, text: str) -> bool:
    parsed = parse_row_key(text)
    return parsed is not None and hmac.compare_digest(row_key(key, identifier, parsed[0]), text.strip())


def pack_checksum(key: str, identifier: str, request_id: int, agency_id: int, recommendation_ids: Iterable[int]) -> str:
    rows = ",".join(str(number) for number in sorted(recommendation_ids))
    return _mac(key, f"pack:{identifier}:{request_id}:{agency_id}:{rows}")[:16]


def stamped_identifier(identifier: str, checksum: str) -> str:
    """What the pack shows and carries: the identifier and its checksum."""
    return f"{identifier}/{checksum}"


def parse_stamped_identifier(text: object) -> tuple[str, str] | None:
    match = _PACK_ID.match(text.strip()) if isinstance(text, str) else None
    return (match.group(1), match.group(2)) if match else None
