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
from dhr_tracker.privacy.names import MIDDLE_GAP, TITLES, CommonWords, NameParts, Pattern, name_patterns, parse_name
from dhr_tracker.privacy.normalise import Words, folded_words, words


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


class NameGuard:
    """The real names stored in the database, ready to be looked for."""

    def __init__(self, names: Iterable[tuple[str, str]], *, per_million: float = 3, common: CommonWords | None = None):
        common = common or CommonWords.shipped()
        self._by_first: dict[str, list[_Entry]] = {}
        self.parts: list[tuple[str, NameParts]] = []
        for reference, name in names:
            parts = parse_name(name) if name else None
            if parts is None:
                continue
            self.parts.append((reference, parts))
            for pattern in name_patterns(parts, common=common, per_million=per_million):
                self._by_first.setdefault(pattern.words[0], []).append(_Entry(reference, pattern))
        self._firsts = frozenset(self._by_first)

    @property
    def names(self) -> tuple[tuple[str, NameParts], ...]:
        """(case reference, name parts) for every stored name; empty when there is nothing to look for."""
        return tuple(self.parts)

    def found_in(self, text: str) -> list[str]:
        """The references of the cases whose real names occur in the text (sorted, without repeats)."""
        if not text or not self._firsts:
            return []
        if self._firsts.isdisjoint(folded_words(text)):  # most text: no word a name could start with
            return []
        return sorted(self._matches(words(text)))

    def _matches(self, read: Words) -> set[str]:
        folded, capitalised = read.folded, read.capitalised
        found: set[str] = set()
        count = len(folded)
        for index, word in enumerate(folded):
            for entry in self._by_first.get(word, ()):
                if entry.reference in found:
                    continue
                pattern = entry.pattern.words
                size = len(pattern)
                if folded[index : index + size] == pattern:
                    found.add(entry.reference)
                    continue
                split = entry.pattern.gap_after
                if split is None or folded[index : index + split] != pattern[:split]:
                    continue
                rest = pattern[split:]
                for gap in range(1, MIDDLE_GAP + 1):
                    start = index + split + gap
                    if start + len(rest) > count or not all(capitalised[index + split : start]):
                        break
                    if folded[start : start + len(rest)] == rest:
                        found.add(entry.reference)
                        break
        return found

    def check(self, texts: Iterable[str] | str, *, where: object, field: str | None = None) -> None:
        """Raise RealNameFound if any real name occurs in any of the texts (each read on its own)."""
        if isinstance(texts, str):
            texts = (texts,)
        if not self._firsts:
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

    def pseudonym_problem(self, pseudonym: str) -> list[str]:
        """References of the cases one of whose real names shares a word with the pseudonym."""
        words = {word for word in folded_words(pseudonym) if len(word) > 1}  # an initial ("J") is no giveaway
        return sorted({reference for reference, parts in self.parts if words & parts.tokens})


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
