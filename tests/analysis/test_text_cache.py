"""The text cache's encoding (``analysis.text_cache``): what is decoded is what was segmented, keys
follow the text and the stage, entities come back as found."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from analysis.entities import Entity
from analysis.segment import Token
from analysis.text_cache import (
    Entry,
    TextCache,
    decode,
    decode_entities,
    document_key,
    encode,
    encode_entities,
    ner_key,
)


@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 400)), max_size=60))
def test_words_come_back_at_their_offsets_whatever_the_gaps_and_lengths(spans: list[tuple[int, int]]) -> None:
    """Gaps and lengths past 127 take several varint bytes; single-syllable tokens are left out."""
    document = []
    tokens = []
    position = 0
    for gap, length in spans:
        document.append("a" * gap)
        start = position + gap
        word = ("b" * (length - 1) + " c") if length > 1 else "d"
        document.append(word)
        tokens.append(Token(word, start, start + len(word)))
        position = start + len(word)
    text = "".join(document)
    assert decode(text, encode(tokens)) == [t for t in tokens if " " in t.text]


def test_keys_follow_the_text_and_entities_round_trip() -> None:
    assert document_key("Lai Châu\nmưa lớn") != document_key("Lai Châu\nmưa lớn.")
    assert ner_key(["Lai Châu", "Tân Uyên"]) != ner_key(["Lai Châu Tân Uyên"])
    found = [Entity("Nguyễn Văn A", "person"), Entity("UBND tỉnh Lai Châu", "organisation"),
             Entity("Mường Tè", "location")]
    assert decode_entities(encode_entities(found)) == found
    assert decode_entities(encode_entities([])) == []


def test_an_entry_of_another_text_is_not_used() -> None:
    document = "Sạt lở ở Mường Tè\nMưa lớn gây sạt lở tại huyện Mường Tè, tỉnh Lai Châu."
    first = TextCache(None)
    tokens = first.segment(document)
    assert first.fresh is not None and not first.hit
    again = TextCache(first.fresh)
    assert again.segment(document) == [t for t in tokens if " " in t.text] and again.hit and again.fresh is None
    stale = TextCache(Entry(first.fresh.key ^ 1, first.fresh.words))
    stale.segment(document)
    assert not stale.hit and stale.fresh == first.fresh
