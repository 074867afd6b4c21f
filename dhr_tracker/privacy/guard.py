"""The real-name guard: one check, on the source strings, for every output (see channels.py).

`NameGuard` holds the word patterns (names.py) of every real name stored in the database and finds
them in text read the way normalise.py reads it. It checks the strings an output is made from, before
they become markup, cells or lines, so nothing a renderer adds or joins (a `<br/>`, a cell border)
can hide a name. A refusal names the case, the output and the field; never the name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from dhr_tracker.errors import UserError
from dhr_tracker.privacy.channels import channel_label
from dhr_tracker.privacy.names import (
    MIDDLE_GAP,
    TITLES,
    CommonWords,
    NameParts,
    Pattern,
    name_patterns,
    parse_name,
    read_as_written,
)
from dhr_tracker.privacy.normalise import Words, folded_words, skeleton, skeleton_words, words


class RealNameFound(UserError):
    """An output would have shown a real name. Nothing was written. The message names the case, the
    output and the field, never the name."""

    def __init__(self, references: list[str], where: object, field: str | None = None):
        cases = ", ".join(references)
        label = channel_label(where)
        place = f"the {field} in the {label}" if field else f"the {label}"
        super().__init__(
            f"Nothing was written: {place} contains a real name stored for case {cases}. "
            "Outputs show the reference and the pseudonym only: replace the real name with the pseudonym "
            f"in that case's text ({field or 'notes, reasons and updates'}), then try again."
        )
        self.references = references
        self.where = label
        self.field = field


@dataclass(frozen=True)
class _Entry:
    reference: str
    pattern: Pattern
    skeleton: tuple[str, ...]  # the pattern's words in the look-alike reading


@lru_cache(maxsize=16384)
def _prepared(
    reference: str, name: str, per_million: float, common: CommonWords
) -> tuple[NameParts, tuple[_Entry, ...], frozenset[str]] | None:
    """One stored name read once: its parts, its patterns, and each pattern's rarest word. A guard is made afresh
    whenever the stored names change (every case added), from these, so making one is not a reading of every
    name again (a sheet of 2,000 cases would otherwise read names two million times)."""
    parts = parse_name(name)
    if parts is None:
        return None
    entries = tuple(
        _Entry(reference, pattern, tuple(skeleton(word) for word in pattern.words))
        for pattern in name_patterns(parts, common=common, per_million=per_million)
    )
    return parts, entries, frozenset(_rarest(entry, common) for entry in entries)


def _rarest(entry: _Entry, common: CommonWords) -> str:
    """The look-alike reading of the pattern's least used word (a longer one where they tie). Every word of a
    pattern must be in a text it is found in, so a text holding none of the patterns' rarest words needs no
    closer look (most text): not an initial, a title or a number, which are everywhere."""

    def usage(pair: tuple[str, str]) -> tuple[float, int]:
        word = pair[0]
        if len(word) == 1 or word.isdigit():
            return (float("inf"), 0)
        return (common.frequency(word), -len(word))

    return min(zip(entry.pattern.words, entry.skeleton), key=usage)[1]


class NameGuard:
    """The real names stored in the database, ready to be looked for.

    A word of the text is a word of a name when it is the same word, or when it reads the same with look-alike
    letters made one (normalise.skeleton: "SMlTH", "Ti11otson") and is not itself a common English word, a
    number or a short code (names.read_as_written), so that "plus", "Neil", "angle", "110" or "Q1" are never taken
    for the rare surnames "Pius", "Nell", "Angie", "Ilo" or "Qi"."""

    def __init__(self, names: Iterable[tuple[str, str]], *, per_million: float = 3, common: CommonWords | None = None):
        self._common = common or CommonWords.shipped()
        self._per_million = per_million
        self._by_first: dict[str, list[_Entry]] = {}  # by the look-alike reading of the pattern's first word
        self.parts: list[tuple[str, NameParts]] = []
        anchors: set[str] = set()
        for reference, name in names:
            prepared = _prepared(reference, name, per_million, self._common) if name else None
            if prepared is None:
                continue
            parts, entries, rarest = prepared
            self.parts.append((reference, parts))
            for entry in entries:
                self._by_first.setdefault(entry.skeleton[0], []).append(entry)
            anchors.update(rarest)
        self._anchors = frozenset(anchors)
        self._common_seen: dict[str, bool] = {}

    @property
    def names(self) -> tuple[tuple[str, NameParts], ...]:
        """(case reference, name parts) for every stored name; empty when there is nothing to look for."""
        return tuple(self.parts)

    def found_in(self, text: str) -> list[str]:
        """The references of the cases whose real names occur in the text (sorted, without repeats)."""
        if not text or not self._anchors:
            return []
        if self._anchors.isdisjoint(skeleton_words(text)):  # most text: not one word a name could end with
            return []
        return sorted(self._matches(words(text)))

    def _read_as_written(self, word: str) -> bool:
        seen = self._common_seen.get(word)
        if seen is None:
            seen = self._common_seen[word] = read_as_written(word, self._common, self._per_million)
        return seen

    def _matches(self, read: Words) -> set[str]:
        folded, capitalised = read.folded, read.capitalised
        looks = tuple(skeleton(word) for word in folded)
        count = len(folded)

        def same(at: int, words: tuple[str, ...], skeletons: tuple[str, ...], capitals: bool) -> bool:
            """Whether the text's words from `at` are these words of a name."""
            if at + len(words) > count:
                return False
            for offset, (word, word_skeleton) in enumerate(zip(words, skeletons)):
                text_word = folded[at + offset]
                if capitals and not capitalised[at + offset]:
                    return False
                if text_word != word and (looks[at + offset] != word_skeleton or self._read_as_written(text_word)):
                    return False
            return True

        found: set[str] = set()
        for index, first in enumerate(looks):
            for entry in self._by_first.get(first, ()):
                if entry.reference in found:
                    continue
                pattern, capitals = entry.pattern.words, entry.pattern.capitals
                if same(index, pattern, entry.skeleton, capitals):
                    found.add(entry.reference)
                    continue
                split = entry.pattern.gap_after
                if split is None or not same(index, pattern[:split], entry.skeleton[:split], capitals):
                    continue
                for gap in range(1, MIDDLE_GAP + 1):
                    start = index + split + gap
                    if start > count or not all(capitalised[index + split : start]):
                        break
                    if same(start, pattern[split:], entry.skeleton[split:], capitals):
                        found.add(entry.reference)
                        break
        return found

    def check(self, texts: Iterable[str] | str, *, where: object, field: str | None = None) -> None:
        """Raise RealNameFound if any real name occurs in any of the texts (each read on its own)."""
        if isinstance(texts, str):
            texts = (texts,)
        if not self._anchors:
            for _ in texts:  # consume generators all the same: callers may rely on it
                pass
            return
        for text in texts:
            found = self.found_in(text) if text else []
            if found:
                raise RealNameFound(found, where, field)

    def check_fields(self, fields: Iterable[tuple[str, str]], *, where: object) -> None:
        """Like check, for (field, text) pairs: the refusal names the first field found."""
        for field, text in fields:
            found = self.found_in(text) if text else []
            if found:
                raise RealNameFound(found, where, field)

    def check_data(self, data: object, *, where: object) -> None:
        """Check every string inside a report's data (dataclasses, mappings, lists), naming the field."""
        self.check_fields(source_fields(data), where=where)

    def redact(self, text: str, marker: str = "[real name]") -> str:
        """The text with each shortest run of space-separated words that holds a real name replaced by the
        marker (for messages about text that was refused, such as an import's problem report)."""
        if not self.found_in(text):
            return text
        chunks = re.split(r"(\s+)", text)
        words_at = list(range(0, len(chunks), 2))  # chunks[0::2] are words, chunks[1::2] the spaces between
        for size in range(1, len(words_at) + 1):
            for start in range(len(words_at) - size + 1):
                first, last = words_at[start], words_at[start + size - 1]
                if self.found_in("".join(chunks[first : last + 1])):
                    # Take the neighbouring words of the name too ("Brackenbury, Aurelia": both, not one).
                    known = self.name_words() | set(TITLES)
                    while (
                        first >= 2 and set(folded_words(chunks[first - 2])) <= known and folded_words(chunks[first - 2])
                    ):
                        first -= 2
                    while (
                        last + 2 < len(chunks)
                        and set(folded_words(chunks[last + 2])) <= known
                        and folded_words(chunks[last + 2])
                    ):
                        last += 2
                    redacted = "".join(chunks[:first]) + marker + "".join(chunks[last + 1 :])
                    return self.redact(redacted, marker) if redacted != text else marker
        return marker

    def name_words(self) -> frozenset[str]:
        """Every word of every stored real name (the pseudonym rule)."""
        return frozenset(word for _, parts in self.parts for word in parts.tokens)


_SKIPPED = (bool, int, float, dt.date, dt.datetime, dt.time, bytes, type(None))


def source_fields(data: object, path: str = "") -> Iterator[tuple[str, str]]:
    """(field, text) for every string in the data: the source text an output is made from."""
    if isinstance(data, str):
        yield path or "text", data
    elif isinstance(data, _SKIPPED):
        return
    elif isinstance(data, enum.Enum):
        yield path or "value", str(getattr(data, "label", data.value))
    elif dataclasses.is_dataclass(data) and not isinstance(data, type):
        for name in _field_names(type(data)):
            yield from source_fields(getattr(data, name), _join(path, name))
    elif isinstance(data, Mapping):
        for key, value in data.items():
            yield from source_fields(value, _join(path, str(key)))
    elif isinstance(data, Iterable):
        for value in data:
            yield from source_fields(value, path)


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(item.name for item in dataclasses.fields(kind))


@lru_cache(maxsize=4096)
def _join(path: str, name: str) -> str:
    name = name.replace("_", " ")
    return f"{path} \u203a {name}" if path else name
