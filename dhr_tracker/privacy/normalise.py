"""One reading of text for finding names: both the stored names and every output text go through it.

`words(text)` turns text into the words a reader sees, whatever the bytes:

1. Unicode NFKC (full-width letters, ligatures such as "ﬁ", compatibility forms become plain letters);
2. format characters removed (Unicode category Cf: soft hyphen, zero-width space and joiners, bidi
   marks, the byte-order mark), so "Pen\\u00addragon" reads "Pendragon";
3. look-alike letters of other scripts mapped to the Latin letter they look like (the Unicode
   confusables table, through `confusable-homoglyphs`): a Cyrillic "Н" is an "H", not the "N" a
   transliteration would give, because the question is what the PDF shows a reader (a capital that looks
   like I, such as the Cyrillic "І" or the Greek "Ι", is an I, although the table's skeleton writes it "l");
4. everything else folded to ASCII (`anyascii`): accents dropped (Zoë, Zoe\\u0308 -> Zoe), ß -> ss,
   every quote to ' or ", every dash to -;
5. a possessive 's or s' dropped ("Smith's" reads "Smith"), other apostrophes joined ("O'Brien" and
   "O’Brien" both read "OBrien");
6. split into runs of letters and digits: every space, line break, hyphen, dash, full stop or comma
   between them is one separator, so "Pendragon-\\nHale" reads the same as "Pendragon Hale".

Each word keeps whether it began with a capital (so a guessed middle name can be told from "and").
Words are compared case-folded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

_WORD = re.compile(r"[A-Za-z0-9]+")
_POSSESSIVE = re.compile(r"(?<=[A-Za-z])'s\b|(?<=[sS])'(?=\W|$)")
_APOSTROPHE = re.compile(r"(?<=[A-Za-z])'(?=[A-Za-z])")


@dataclass(frozen=True, slots=True)
class Words:
    """The words of a text: case-folded, with whether each began with a capital letter."""

    folded: tuple[str, ...]
    capitalised: tuple[bool, ...]


@lru_cache(maxsize=1)
def _latin_lookalikes() -> dict[int, str]:
    """{code point: Latin letter} for every letter of another script that the confusables table says
    looks like a single Latin letter."""
    import json
    from importlib.resources import files

    table = json.loads(files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8"))
    mapping: dict[int, str] = {}
    for character, entries in table.items():
        if len(character) != 1 or character.isascii() or unicodedata.name(character, "").startswith("LATIN"):
            continue
        for entry in entries:
            glyph = entry.get("c", "")
            if len(glyph) == 1 and glyph.isascii() and glyph.isalpha():
                # The table's skeleton writes a capital I as "l" (alike in sans-serif type), but a capital that
                # looks like I reads as I: the Cyrillic "І" of "SMІTH" must fold to "smith", not "smlth".
                mapping[ord(character)] = "I" if glyph == "l" and character.isupper() else glyph
                break
    return mapping


class _FoldTable(dict):
    """str.translate table, filled on first sight of each character: format characters to nothing,
    look-alikes to their Latin letter, everything else through anyascii."""

    def __missing__(self, code: int) -> str:
        character = chr(code)
        if unicodedata.category(character) == "Cf":
            folded = ""
        else:
            folded = _latin_lookalikes().get(code) or anyascii(character)
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def ascii_text(text: str) -> str:
    """Steps 1-4: the text as plain ASCII, as it reads on the page."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


def _plain(text: str) -> str:
    plain = ascii_text(text)
    if "'" in plain:
        plain = _APOSTROPHE.sub("", _POSSESSIVE.sub("", plain))
    return plain


def words(text: str) -> Words:
    """The words of the text (steps 1-6), in order."""
    found = _WORD.findall(_plain(text))
    return Words(tuple(word.lower() for word in found), tuple(word[0].isupper() for word in found))


def folded_words(text: str) -> tuple[str, ...]:
    """Only the case-folded words (the fast path: no capitals kept)."""
    return tuple(_WORD.findall(_plain(text).lower()))


# Letters and digits that sans-serif type draws alike, read as one: a small l, a digit 1 and a capital I (already
# folded to i) as i; a digit 0 as o. "SMlTH" and "Ti11otson" then read as "smith" and "tiiiotson", the way
# "Smith" and "Tillotson" read. Only the guard and the pseudonym rule use this reading (guard.py: a common English
# word is never taken for a look-alike of a name, so "plus" is not "Pius").
def skeleton(word: str) -> str:
    """A folded (ASCII) word or text with look-alike letters made one; str.replace is several times quicker than
    str.translate here, and this runs on every string of every output."""
    return word.replace("l", "i").replace("1", "i").replace("0", "o")


def skeleton_words(text: str) -> tuple[str, ...]:
    """The case-folded words with look-alike letters made one."""
    return tuple(_WORD.findall(skeleton(_plain(text).lower())))


def same_words(a: str, b: str) -> bool:
    """Whether two texts read as the same words (case, accents, look-alikes, spacing aside)."""
    return folded_words(a) == folded_words(b)
