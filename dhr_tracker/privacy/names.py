"""A stored real name read into its parts, and the word sequences that give it away.

Stored names come in either order ("Jane Anne Smith", "SMITH, Jane", "Mrs Jane Smith",
"PENDRAGON-HALE, Philippa"): `nameparser` reads them into title, forenames, middle names and surname.
From those parts `name_patterns` makes the word sequences (in the reading of `normalise.words`) that
count as the name in an output:

- forename and surname, in either order ("Jane Smith", "Smith Jane", "Smith, Jane"), with or without
  the stored middle names, and with up to two capitalised words between forename and surname
  (a middle name or initial that was not stored: "Jane A. Smith");
- a title (Mr, Mrs, Ms, Miss, Mx, Dr) and the surname ("Mrs Pendragon-Hale");
- the forename's initial and the surname, both written with a capital ("J. Smith", "J Smith", "J. A. Smith");
- the surname alone, when it is not a common word (`CommonWords`): a surname of more than one word
  (double-barrelled: "Pendragon-Hale") is never a common word; its parts alone ("Hale") are not
  flagged. A name of a single word is treated as a surname.

A forename alone is never flagged: "Rose", "Mark" or "Jane" on their own are everyday words and the
names of other people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from dhr_tracker.privacy.normalise import folded_words, skeleton

TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr")
MIDDLE_GAP = 2  # unknown capitalised words allowed between forename and surname


@dataclass(frozen=True)
class NameParts:
    """A stored name in folded words: forenames (first name), middle names, surname."""

    forename: tuple[str, ...]
    middle: tuple[str, ...]
    surname: tuple[str, ...]

    @property
    def tokens(self) -> frozenset[str]:
        return frozenset(self.forename + self.middle + self.surname)


@lru_cache(maxsize=8192)  # the same names are read for every output, flush and pseudonym check
def parse_name(name: str) -> NameParts | None:
    """The parts of a stored name, or None if it has no letters to look for."""
    from nameparser import HumanName

    text = " ".join(name.split())
    if not folded_words(text):
        return None
    parsed = HumanName(text)
    forename = folded_words(parsed.first)
    middle = folded_words(parsed.middle)
    surname = folded_words(" ".join(part for part in (parsed.last, parsed.suffix) if part))
    if not surname:  # a single name ("Madonna"), or one nameparser read as a forename only
        forename, middle, surname = (), (), forename + middle or folded_words(text)
    if not forename and middle:
        forename, middle = middle[:1], middle[1:]
    return NameParts(forename, middle, surname)


@dataclass(frozen=True)
class Pattern:
    """Words that, found in this order, are the name. `gap_after`: index after which up to MIDDLE_GAP
    capitalised words may stand (forename ... surname), or None."""

    words: tuple[str, ...]
    kind: str  # "full name", "title and surname", "initial and surname", "surname"
    gap_after: int | None = None
    capitals: bool = False  # every word must begin with a capital in the text ("a smith" is not "A. Smith")


class CommonWords:
    """English word frequencies shipped in resources/privacy/common-words-en.tsv (see that file)."""

    def __init__(self, zipf: dict[str, float]):
        self._zipf = zipf

    @classmethod
    @lru_cache(maxsize=1)
    def shipped(cls) -> CommonWords:
        from dhr_tracker.resources import resource_path

        zipf: dict[str, float] = {}
        with open(resource_path("privacy", "common-words-en.tsv"), encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("#") or not line.strip():
                    continue
                value, word = line.rstrip("\n").split("\t")
                zipf[word] = float(value)
        return cls(zipf)

    def frequency(self, word: str) -> float:
        """The (folded) word's Zipf frequency: log10 of its uses per billion words; 0 for a word not in the list."""
        return self._zipf.get(word, 0.0)

    def is_common(self, word: str, per_million: float) -> bool:
        """Whether the (folded) word is used at least `per_million` times per million English words."""
        import math

        return self.frequency(word) >= math.log10(per_million) + 3


LOOKALIKE_MIN_LENGTH = 4  # "SMlTH", "J0NES", "NeII": shorter tokens are codes and numbers ("Q1", "A20", "10")


def read_as_written(word: str, common: CommonWords, per_million: float) -> bool:
    """Whether a (folded) word stands for itself only, never for a look-alike of a name's word: a common English
    word ("plus" is not "Pius"), a number ("Room 110" is not "Ilo"), or a word too short to tell a look-alike
    from a code ("Q1" is not "Qi")."""
    return len(word) < LOOKALIKE_MIN_LENGTH or word.isdigit() or common.is_common(word, per_million)


def shared_name_words(pseudonym: str, names: Iterable[tuple[str, str]], *, per_million: float = 3) -> list[str]:
    """The references (sorted) of the names that share a word with the pseudonym (single letters aside), a word
    written with look-alike letters included unless it is a common English word, a number or shorter than four
    characters (as the guard reads them)."""
    words = {word for word in folded_words(pseudonym) if len(word) > 1}
    common = CommonWords.shipped()
    lookalikes = {skeleton(word) for word in words if not read_as_written(word, common, per_million)}
    found = set()
    for reference, name in names:
        parts = parse_name(name) if name else None
        if parts is None:
            continue
        if words & parts.tokens or lookalikes & {skeleton(token) for token in parts.tokens}:
            found.add(reference)
    return sorted(found)


def name_patterns(parts: NameParts, *, common: CommonWords, per_million: float) -> list[Pattern]:
    forename, middle, surname = parts.forename, parts.middle, parts.surname
    patterns: list[Pattern] = []
    if forename:
        patterns.append(Pattern(forename + surname, "full name", gap_after=len(forename)))
        patterns.append(Pattern(surname + forename, "full name"))
        if middle:
            patterns.append(Pattern(forename + middle + surname, "full name"))
            patterns.append(Pattern(surname + forename + middle, "full name"))
    patterns.extend(Pattern((title,) + surname, "title and surname") for title in TITLES)
    if forename:
        patterns.append(Pattern((forename[0][0],) + surname, "initial and surname", gap_after=1, capitals=True))
    if len(surname) > 1 or not common.is_common(surname[0], per_million):
        patterns.append(Pattern(surname, "surname"))
    return patterns
