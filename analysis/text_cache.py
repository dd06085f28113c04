"""What the costly text-only stages of an analysis leave for the rest, kept so that each is computed
once per text: the word segmentation and the named entities.

Both run underthesea's CRF models and are most of the cost of an analysis (segmentation about two
thirds of it on every article; NER about 0.1 s more on each article that concerns the province).
Neither depends on topics.yaml, the sentiment terms or the model, only on the text they read:

- segmentation reads the analysed document (normalised, capped, title and text joined). The later
  stages read only its multi-syllable words (a match may not cut one in two; the sentiment model
  reads them as features), and a word's text is the text at its offsets. So the entry keeps those
  words' offsets: for each in order, the gap since the previous word's end and the word's length,
  each an unsigned LEB128 varint (two bytes a word for nearly every word).
- NER reads the title and the sentences naming the province, which the gazetteer decides: its entry
  is keyed by exactly those inputs, and keeps the entities found (JSON ``[[text, PER|ORG|LOC], …]``).

Each part has a 64-bit key: BLAKE2b over the stage's version (``SEGMENTER_VERSION``,
``NER_VERSION``) and what it read. Another text, normalisation, gazetteer verdict or underthesea gives
another key, and that part is computed again. ``TextCache`` gives ``Analyzer.analyze`` its
``segmenter`` and ``tagger`` over a stored ``Entry`` and keeps the entry to store in ``fresh``. Pure:
no I/O.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from analysis.entities import KINDS, MAX_NER_CHARS, MAX_SENTENCES, Entity, entities
from analysis.segment import MAX_RUN_CHARS, MAX_WORD_CHARS, Token, segment


def _underthesea_version() -> str:
    try:
        from importlib.metadata import version

        return version("underthesea")
    except Exception:  # noqa: BLE001 - not installed as a distribution: the key still names the rest
        return "unknown"


# Bump the last part when ``segment`` / ``entities`` change what they return for the same input.
SEGMENTER_VERSION = f"underthesea {_underthesea_version()}; cut {MAX_RUN_CHARS}/{MAX_WORD_CHARS}; words 1"
NER_VERSION = f"underthesea {_underthesea_version()}; ner {MAX_SENTENCES}/{MAX_NER_CHARS}; 1"
_KIND_CODES = {kind: code for code, kind in KINDS.items()}


@dataclass(frozen=True)
class Entry:
    key: int  # signed 64-bit, as SQLite stores an INTEGER
    words: bytes
    ner_key: int | None = None  # None: NER never ran on this text (it concerns no one's province)
    ner: str | None = None


def _key(version: str, text: str) -> int:
    digest = hashlib.blake2b(f"{version}\n{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def document_key(document: str) -> int:
    return _key(SEGMENTER_VERSION, document)


def ner_key(sentences: list[str]) -> int:
    return _key(NER_VERSION, "\x00".join(sentences))


def encode(tokens: list[Token]) -> bytes:
    """The offsets of the multi-syllable words among ``tokens`` (in order, not overlapping)."""
    out = bytearray()
    previous = 0
    for token in tokens:
        if " " not in token.text:
            continue
        for value in (token.start - previous, token.end - token.start):
            while value >= 0x80:
                out.append((value & 0x7F) | 0x80)
                value >>= 7
            out.append(value)
        previous = token.end
    return bytes(out)


def decode(document: str, words: bytes) -> list[Token]:
    """The multi-syllable words of ``document`` that ``encode`` kept."""
    values: list[int] = []
    value = shift = 0
    for byte in words:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        values.append(value)
        value = shift = 0
    tokens: list[Token] = []
    position = 0
    for index in range(0, len(values) - 1, 2):
        start = position + values[index]
        end = start + values[index + 1]
        tokens.append(Token(document[start:end], start, end))
        position = end
    return tokens


def encode_entities(found: list[Entity]) -> str:
    return json.dumps([[entity.text, _KIND_CODES[entity.kind]] for entity in found], ensure_ascii=False)


def decode_entities(text: str) -> list[Entity]:
    return [Entity(name, KINDS[code]) for name, code in json.loads(text)]


class TextCache:
    """``segment`` and ``entities`` that read ``entry`` when it was made from the same input and
    stage versions, and compute (and keep for storing) otherwise. After an analysis: ``hit`` says
    whether the segmentation came from the entry; ``fresh`` is the entry to store (None: nothing new
    was computed). One instance per text."""

    def __init__(self, entry: Entry | None) -> None:
        self.entry = entry
        self.fresh: Entry | None = None
        self.hit = False

    def segment(self, document: str) -> list[Token]:
        key = document_key(document)
        if self.entry is not None and self.entry.key == key:
            self.hit = True
            return decode(document, self.entry.words)
        tokens = segment(document)
        self.fresh = Entry(key, encode(tokens))  # another text: its entities are stale too
        return tokens

    def entities(self, sentences: list[str]) -> list[Entity]:
        key = ner_key(sentences)
        current = self.fresh or self.entry
        if current is not None and current.ner_key == key and current.ner is not None:
            return decode_entities(current.ner)
        found = entities(sentences)
        if current is not None:
            self.fresh = replace(current, ner_key=key, ner=encode_entities(found))
        return found
