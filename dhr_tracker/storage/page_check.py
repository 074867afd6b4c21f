"""Tell a damaged first page from a wrong passphrase, by checking SQLCipher's page HMACs directly.

SQLCipher refuses a file whose first page fails its HMAC in exactly the way it refuses a wrong key
("file is not a database"). But the key comes from the passphrase and the salt (the first 16 bytes),
so if the passphrase is right, the HMACs of the other pages still verify. SQLCipher 4's defaults
(https://www.zetetic.net/sqlcipher/design/): PBKDF2-HMAC-SHA512 with 256,000 iterations for the key;
the HMAC key is PBKDF2-HMAC-SHA512 of that key with the salt XOR 0x3a, 2 iterations; each 4096-byte page
ends with a 16-byte IV and a 64-byte HMAC-SHA512 of the page's ciphertext and IV followed by the page
number (4 bytes, little-endian); page 1's ciphertext starts after the salt.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

PAGE_SIZE = 4096
SALT_SIZE = 16
HMAC_SIZE = 64
KDF_ITERATIONS = 256_000
HMAC_KDF_ITERATIONS = 2
KEY_SIZE = 32
PAGES_TRIED = 8


def _page_hmac_ok(hmac_key: bytes, page: bytes, number: int) -> bool:
    start = SALT_SIZE if number == 1 else 0
    expected = hmac.new(
        hmac_key, page[start : PAGE_SIZE - HMAC_SIZE] + number.to_bytes(4, "little"), hashlib.sha512
    ).digest()
    return hmac.compare_digest(expected, page[PAGE_SIZE - HMAC_SIZE : PAGE_SIZE])


def first_page_damaged(path: Path, passphrase: str) -> bool:
    """True when the passphrase verifies later pages of the file but not the first: the first page is damaged."""
    with Path(path).open("rb") as handle:
        data = handle.read(PAGE_SIZE * (PAGES_TRIED + 1))
    if len(data) < 2 * PAGE_SIZE:
        return False
    salt = data[:SALT_SIZE]
    key = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, KEY_SIZE)
    hmac_key = hashlib.pbkdf2_hmac("sha512", key, bytes(byte ^ 0x3A for byte in salt), HMAC_KDF_ITERATIONS, KEY_SIZE)
    if _page_hmac_ok(hmac_key, data[:PAGE_SIZE], 1):
        return False
    pages = len(data) // PAGE_SIZE
    return any(_page_hmac_ok(hmac_key, data[(n - 1) * PAGE_SIZE : n * PAGE_SIZE], n) for n in range(2, pages + 1))
