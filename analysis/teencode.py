"""Informal Vietnamese as typed in posts and comments, made comparable with the lexicons.

``squash`` undoes cheap obfuscation ("n.g.u", "nguuuu", "ng0", "đ*o") so lexicon terms match;
``TEENCODE`` maps common chat abbreviations to the words they stand for ("ko" → "không",
"dc" → "được"), and ``expand`` applies it to a syllable list while keeping the character offsets
of the original text (an expansion of one token into two syllables shares the token's offsets);
it also splits CamelCase hashtags ("#LuQuet" → "lu quet").
"""

from __future__ import annotations

import re

from analysis.lexicon import Syllable
from analysis.normalize import fold

# Abbreviation (lower case, as typed) → the words. "a", "e", "b", "v" are too ambiguous even in
# comments and are left out.
TEENCODE: dict[str, str] = {
    "ko": "không", "k": "không", "kh": "không", "khg": "không", "kg": "không", "hok": "không",
    "hông": "không", "hem": "không", "khum": "không", "khong": "không", "kô": "không",
    "dc": "được", "đc": "được", "dk": "được", "đk": "được", "duoc": "được",
    "j": "gì", "ji": "gì", "gi": "gì",
    "bn": "bao nhiêu", "bnh": "bao nhiêu",
    "mn": "mọi người", "mng": "mọi người", "ae": "anh em", "ntn": "như thế nào",
    "z": "vậy", "zậy": "vậy", "dzậy": "vậy", "r": "rồi", "rùi": "rồi", "roai": "rồi",
    "vs": "với", "ms": "mới", "cx": "cũng", "cg": "cũng", "trc": "trước", "đg": "đang", "dg": "đang",
    "bít": "biết", "bik": "biết", "bjk": "biết", "bit": "biết", "thik": "thích", "iu": "yêu",
    "wá": "quá", "qá": "quá", "wa": "quá", "bh": "bao giờ", "bjo": "bây giờ", "h": "giờ",
    "tks": "cảm ơn", "thanks": "cảm ơn", "thank": "cảm ơn", "camon": "cảm ơn",
    "nt": "nhắn tin", "ib": "nhắn tin", "sđt": "số điện thoại", "sdt": "số điện thoại",
    "đt": "điện thoại", "fb": "facebook", "nma": "nhưng mà", "nhma": "nhưng mà", "lm": "làm",
    "ng": "người", "nc": "nước", "t": "tao", "m": "mày", "mk": "mình",
}
# Forms that are also abbreviations or words of news text only apply to comments: "kg" (kilogram),
# "k" (vitamin K), "đk" (điều kiện), "bh" (bảo hiểm), "hông" (bên hông), "bít" (bít lối), "ng"
# (Ng. Văn A), "t"/"m" (tao/mày; also units).
COMMENT_ONLY = frozenset({"ng", "nc", "t", "m", "h", "gi", "z", "r", "wa", "bit", "kh", "lm", "dg", "đg", "đt",
                          "k", "kg", "dk", "đk", "ms", "bh", "nt", "cg", "hông", "bít", "mk", "hem", "đc"})

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_WORD = re.compile(r"[^\W_]+(?:[*@$0-9]+[^\W_]*)*|[*@$]+", re.UNICODE)
# Single letters joined by dots, dashes, stars or spaces: "n.g.u", "đ-m", "v c l", "d.m".
_SPELLED = re.compile(r"(?<![^\W_])([^\W\d_])(?:[ .\-_*/|+]{1,2}([^\W\d_])(?![^\W_])){1,5}")
_SEPARATOR = re.compile(r"[ .\-_*/|+]")
_DOUBLE_O = re.compile(r"[^\W\d_]*[^\Wo\d_]o[oóòỏõọ](?:ng|c)|o[oóòỏõọ](?:ng|c)")


def _despell(match: re.Match[str]) -> str:
    text = match.group(0)
    letters = _SEPARATOR.sub("", text)
    if " " in text and not any(c in text for c in ".-_*/|+"):
        # letters separated by spaces only: "v c l", "đ m" are spelled abbreviations; "a b c" in a
        # list is not, so only vowel-less runs are joined.
        if any(c in "aeiouy" for c in fold(letters)):
            return text
    return letters


def _collapse(word: str) -> str:
    """"nguuuu" → "ngu", "bòooo" → "bò"; "xoong" keeps its "oo", "cc" stays a word of its own."""
    if len(set(word)) == 1 or _DOUBLE_O.fullmatch(word):
        return word
    folded = fold(word)
    if len(folded) != len(word):
        folded = "".join(fold(char) for char in word)
    if not any(folded[i] == folded[i - 1] for i in range(1, len(word))):
        return word  # nothing stretched (most words): no per-letter pass
    out: list[str] = []
    last = ""  # the folded form of out[-1]
    for char, plain in zip(word, folded, strict=True):
        if out and char.isalpha() and plain == last and (char == plain or char == out[-1]):
            continue
        out.append(char)
        last = plain
    return "".join(out)


def squash(text: str) -> str:
    """Lower-case ``text`` and undo spelled-out, stretched and leet-speak words.

    "N.G.U" → "ngu", "nguuuu" → "ngu", "ng0" → "ngo", "đ*o" keeps its star only when no letter
    fits. The result is for matching only (offsets are not preserved)."""
    text = _SPELLED.sub(_despell, text.lower())

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        if any(c.isdigit() or c in "@$" for c in token) and any(c.isalpha() for c in token):
            token = token.translate(_LEET)
        return _collapse(token) if len(token) > 2 else token

    return _WORD.sub(word, text)


def _camel_parts(token: str) -> list[str]:
    parts: list[str] = []
    for char in token:
        if char.isupper() or not parts:
            parts.append(char)
        else:
            parts[-1] += char
    return parts


def _hashtag_words(item: Syllable, text: str) -> list[Syllable] | None:
    """"#LuQuet", "#SạtLở" → "lu quet", "sạt lở" (CamelCase hashtags only; "#luquet" is left as is)."""
    if item.start == 0 or text[item.start - 1] != "#":
        return None
    token = text[item.start:item.end]
    parts = _camel_parts(token)
    if len(parts) < 2 or not token.isalpha() or not all(p[0].isupper() and len(p) > 1 for p in parts):
        return None
    return [Syllable(p.lower(), fold(p), item.start, item.end) for p in parts]


def expand(items: list[Syllable], comments: bool = False, text: str = "") -> list[Syllable]:
    """Replace teencode syllables by the words they stand for, and split CamelCase hashtags of
    ``text`` (the text the syllables come from) into their words; offsets stay those of the token."""
    out: list[Syllable] = []
    for item in items:
        if text and (words_of_tag := _hashtag_words(item, text)):
            out.extend(words_of_tag)
            continue
        if item.text.isdigit() or (item.text in COMMENT_ONLY and not comments):
            out.append(item)
            continue
        words = TEENCODE.get(item.text)
        if words is None:
            out.append(item)
            continue
        for word in words.split():
            out.append(Syllable(word, fold(word), item.start, item.end))
    return out
