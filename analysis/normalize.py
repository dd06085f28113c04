"""Normalisation and folding of Vietnamese text.

``normalize`` makes text comparable without changing what it says: Unicode NFC, one tone-mark
placement, no invisible characters, tidy whitespace. ``fold`` goes further for matching and search:
no diacritics, ``đ`` → ``d``, lower case ("Mường Tè" → "muong te", "Điện Biên" → "dien bien").

Tone-mark placement: pages mix the traditional placement ("hòa", "thủy", "khóa") with the newer one
("hoà", "thuỷ", "khoá"). We normalise to the traditional placement that most national outlets use.
Only open syllables ending in the clusters ``oa``, ``oe``, ``uy`` differ between the two; in "quý"
the ``u`` belongs to ``qu`` and the tone stays on ``y``; closed syllables ("hoàng", "thuận") agree
in both styles and are left alone.

For text that went through ``normalize``, ``fold`` maps every character to exactly one character, so
offsets found in the folded text point at the same characters of the normalised original (used to
highlight matches on the accented text).
"""

from __future__ import annotations

import functools
import re
import unicodedata

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_HAS_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")  # a search is far cheaper than translate
# Runs of spaces and tabs become one space. Only what changes is matched: a run of two or more, or
# one character other than a plain space (replacing every single space by itself doubled the cost).
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{2,}"
                     r"|[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_WORD_REST = re.compile(r"\S*")
_MAX_CACHED_WORD = 64  # longer "words" (URLs, hostile runs) are re-toned without the cache
_BLANK_LINES = re.compile(r"\n{3,}")

# An open syllable ending in oa/oe/uy (optionally capitalised) whose tone sits on the second vowel.
# The lookbehind keeps "qu" + y ("quý") untouched; the lookahead requires the syllable to end there.
_NEW_STYLE = re.compile(
    r"(?<![qQ\w])([^\W\d_]*?)"  # syllable onset (consonants), captured to check for "qu"
    r"([oOuU])([aAeEyY][" + _TONE_MARKS + r"])(?![^\W\d_]|[\u0300-\u036f])"
)  # the last lookahead: in NFD, "hoặc" is h o a + dot below + breve: a closed syllable, left alone


# Cheap pre-check on NFC text: a new-style placement needs o/u followed by a toned a/e/y.
_MAYBE_NEW_STYLE = re.compile("[oOuU][àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ]")
# Only the whitespace-delimited words holding such a pair need the (slow) NFD round trip:
# ``_NEW_STYLE`` never matches across whitespace. ``_retone`` finds them from the pairs; a word is
# scanned once however many pairs it holds (a hostile run without spaces stays linear).


def _move_tone(match: re.Match[str]) -> str:
    onset, first, second = match.group(1), match.group(2), match.group(3)
    if first in "uU" and onset.lower().endswith("q"):
        return match.group(0)
    if first in "uU" and second[0] not in "yY":
        return match.group(0)
    if first in "oO" and second[0] not in "aAeE":
        return match.group(0)
    return onset + first + second[1] + second[0]


def normalize(text: str) -> str:
    """Return ``text`` in NFC with traditional tone placement, without invisible characters,
    with runs of spaces collapsed and line ends kept (at most one blank line in a row)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if _HAS_INVISIBLE.search(text):  # marks separated by an invisible character can compose now
        text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _COMBINING.search(text):  # a mark left alone by NFC ("Quốc ̣lộ": a dot below after a space)
        text = _COMBINING.sub("", text)  # carries no letter; ``fold`` drops it, and must keep offsets
    if _MAYBE_NEW_STYLE.search(text):
        text = _retone(text)
    lines = (line.strip() for line in _SPACES.sub(" ", text).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _retone(text: str) -> str:
    """``text`` with every whitespace-delimited word holding a possible new-style pair
    (``_MAYBE_NEW_STYLE``) rewritten by ``_traditional``: what ``_CANDIDATE_WORDS.sub`` did, found
    from the pairs (one fast scan) instead of trying the pattern at every word, and each distinct
    word rewritten once (``_traditional`` is cached)."""
    parts: list[str] = []
    done = 0  # text[:done] is in parts
    for pair in _MAYBE_NEW_STYLE.finditer(text):
        start = pair.start()
        if start < done:  # in the word just rewritten
            continue
        while start > done and not text[start - 1].isspace():
            start -= 1
        end = _WORD_REST.match(text, pair.end()).end()  # type: ignore[union-attr]  # \S* always matches
        parts.append(text[done:start])
        parts.append(_traditional(text[start:end]) if end - start <= _MAX_CACHED_WORD else _retoned(text[start:end]))
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _retoned(word: str) -> str:
    return unicodedata.normalize("NFC", _NEW_STYLE.sub(_move_tone, unicodedata.normalize("NFD", word)))


_traditional = functools.lru_cache(maxsize=1 << 16)(_retoned)


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x2000):
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if len(base) == 1 and base != char:
            table[code] = base.lower()
    table[ord("đ")] = "d"
    table[ord("Đ")] = "d"
    table[ord("Ð")] = "d"  # U+00D0 ETH, sometimes typed for Đ
    return table


_FOLD_TABLE = _build_fold_table()
_COMBINING = re.compile(r"[\u0300-\u036f]")


def fold(text: str) -> str:
    """Fold ``text`` for matching: no diacritics, đ → d, lower case.

    Works on any input (NFD included); on ``normalize``d text it preserves length. (Folding word by
    word through a cache, or by decomposing and dropping the marks, was measured no faster than one
    ``str.translate`` on real articles; the store takes the folds from the analysis instead.)"""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_FOLD_TABLE)
        if _COMBINING.search(text):
            text = _COMBINING.sub("", text)
    return text.lower()
