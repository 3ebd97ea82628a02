"""The text of a file in the encoding it was saved in, or a refusal that names that encoding.

UTF-8 (with or without BOM) and GBK/GB18030 are what Chinese planners' tools write; UTF-16 with a
BOM is Excel's "Unicode text"; Big5 is traditional Chinese and is read too. Every other encoding is
refused with its name, because reading it as GB18030 would give mojibake region names: GB18030
decodes almost any bytes, so "it decodes" proves nothing. Which encoding a file is in is told by
charset-normalizer (a maintained detector, better than our own byte statistics), after one check of
our own: a file of common simplified characters is GBK, which the detector, on a short file, takes
for Big5.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from .errors import DecodeRefusal

__all__ = ["decode", "looks_like", "declared"]

# byte-order marks, longest first: a UTF-32 LE mark starts with the UTF-16 LE one
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

_GB = {"gb18030", "gbk", "gb2312", "cp936", "hz"}
_BIG5 = {"big5", "big5hkscs", "cp950"}

# what a planner may know an encoding as (charset-normalizer gives Python codec names)
_FAMILIES = (
    ({"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004", "euc_jisx0213",
      "iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext"}, "Shift-JIS or another Japanese encoding"),
    ({"cp949", "euc_kr", "johab", "iso2022_kr"}, "EUC-KR or another Korean encoding"),
    ({"latin_1", "iso8859_15", "cp1252", "cp850", "cp857", "cp437", "cp1250", "cp775", "mac_roman", "cp858",
      "iso8859_2", "mac_latin2", "cp852"}, "Latin-1 or another Western single-byte encoding"),
)


def declared(charset: str) -> str:
    """The codec to read a text with that declares its own charset (an HTML page's <meta charset>):
    the GB family as GB18030 and Big5 as cp950, as ``decode`` reads them; any other as named (an
    unknown name is left for the caller's decode to refuse)."""
    name = charset.strip().lower()
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return name
    if name in _GB and name != "hz":  # HZ is 7-bit: read as itself
        return "gb18030"
    return "cp950" if name in _BIG5 else name


def decode(data: bytes) -> tuple[str, str]:
    """(text, codec) or DecodeRefusal. A BOM decides first, then strict UTF-8, then the detector."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict(data, codec), codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _common_simplified(data):
        return data.decode("gb18030"), "gb18030"
    guess = charset_normalizer.from_bytes(data).best()
    codec = guess.encoding if guess is not None else None
    if codec in _GB:
        return _strict(data, "gb18030"), "gb18030"
    if codec in _BIG5:
        for big5 in ("cp950", "big5hkscs"):  # cp950 is what Windows writes; HKSCS adds Hong Kong characters
            try:
                return data.decode(big5), big5
            except UnicodeDecodeError:
                continue
    raise DecodeRefusal(_name(codec))


def looks_like(data: bytes) -> str | None:
    """The planner's name of the encoding ``data`` looks like, by the same checks as ``decode``: what a
    file that must be UTF-8 (a plan, regions or indicators file) was saved in, for the refusal."""
    try:
        return _name(decode(data)[1])
    except DecodeRefusal as refusal:
        return refusal.looks_like


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise DecodeRefusal(None) from None


def _common_simplified(data: bytes) -> bool:
    """GB18030 text whose every non-ASCII character is a GB2312 hanzi (the 6,763 common simplified
    characters, rows 0xB0-0xF7) or CJK or full-width punctuation (rows 0xA1, 0xA3). charset-normalizer
    takes a short GBK file for Big5 (both are valid), so this is asked first. Other encodings' bytes
    decoded as GB18030 fall outside it: Big5, Shift-JIS and Latin-1 second bytes below 0xA1, and Big5's
    common characters (first bytes 0xA4-0xAF) in GB2312's kana, Greek and box-drawing rows."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    wide = {ch for ch in text if ord(ch) > 0x7F}
    if not any("\u4e00" <= ch <= "\u9fff" for ch in wide):
        return False
    for ch in wide:
        try:
            lead = ch.encode("gb2312")[0]
        except UnicodeEncodeError:
            return False
        if not (0xB0 <= lead <= 0xF7 or lead in (0xA1, 0xA3)):
            return False
    return True


def _name(codec: str | None) -> str | None:
    if codec is None:
        return None
    for names, family in _FAMILIES:
        if codec in names:
            return f"{family} ({codec})"
    return codec
