"""Bytes in, bytes out: decode a file so rules can read it, and encode the result so that every
byte outside an edit stays as it was (BOM, PEP 263 encodings, CRLF, tabs, no final newline).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BOMS = ((codecs.BOM_UTF8, "utf-8"),)


class UndecodableError(ValueError):
    """The file cannot be read as text, or cannot be written back byte for byte."""


@dataclass(frozen=True, slots=True)
class Decoded:
    source: bytes  # UTF-8, without BOM: what parsers and edits work on
    encoding: str  # the file's own encoding, used to write it back
    bom: bytes

    def encode(self, new_source: bytes) -> bytes:
        if self.encoding == "utf-8":
            return self.bom + new_source
        return self.bom + new_source.decode("utf-8").encode(self.encoding)


def python_encoding(data: bytes) -> str | None:
    """The PEP 263 coding cookie in the first two lines, if any."""
    for line in data.split(b"\n", 2)[:2]:
        m = _CODING.match(line)
        if m:
            return m.group(1).decode("ascii", "replace")
        if line.strip() and not line.lstrip().startswith(b"#"):
            break
    return None


def decode(data: bytes, *, python: bool = False) -> Decoded:
    if b"\x00" in data:
        raise UndecodableError("binary file (contains NUL bytes)")
    bom = b""
    encoding = "utf-8"
    for mark, name in _BOMS:
        if data.startswith(mark):
            bom, encoding = mark, name
            data = data[len(mark):]
    if not bom and python:
        cookie = python_encoding(data)
        if cookie:
            try:
                encoding = codecs.lookup(cookie).name
            except LookupError:
                raise UndecodableError(f"unknown encoding {cookie!r} in coding declaration") from None
    if encoding in ("utf-8", "utf_8"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise UndecodableError(f"not valid UTF-8 at byte {e.start}") from None
        return Decoded(data, "utf-8", bom)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise UndecodableError(f"not valid {encoding} at byte {e.start}") from None
    if text.encode(encoding) != data:
        raise UndecodableError(f"{encoding} text does not round-trip byte for byte")
    return Decoded(text.encode("utf-8"), encoding, bom)


class LineIndex:
    """Byte offset <-> (line, column) for one source; columns count characters, 1-based."""

    __slots__ = ("source", "starts")

    def __init__(self, source: bytes):
        self.source = source
        starts = [0]
        find = source.find
        i = find(b"\n")
        while i != -1:
            starts.append(i + 1)
            i = find(b"\n", i + 1)
        self.starts = starts

    def line_of(self, offset: int) -> int:
        from bisect import bisect_right

        return bisect_right(self.starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        line = self.line_of(offset)
        start = self.starts[line - 1]
        col = len(self.source[start:offset].decode("utf-8", "replace")) + 1
        return line, col

    def line_text(self, line: int) -> bytes:
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.source)
        return self.source[start:end]

    def line_span(self, line: int) -> tuple[int, int]:
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.source)
        return start, end
