"""Bytes in, bytes out: decode a file so rules can read it, and encode the result so that every
byte outside an edit stays as it was (BOM, PEP 263 encodings, CRLF, tabs, no final newline).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from itertools import accumulate

_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BOMS = ((codecs.BOM_UTF8, "utf-8"),)
# Text we recognise but do not rewrite: their bytes are not ASCII-compatible, so byte offsets,
# trigger words and the PEP 263 rules do not apply to them.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
              (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


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


def binary_reason(data: bytes) -> str | None:
    """Why `data` cannot be treated as source text (UTF-16/32, NUL bytes), or None. Cheap."""
    for mark, name in _WIDE_BOMS:
        if data.startswith(mark):
            return f"{name} text is not supported (convert it to UTF-8 to migrate it); copied unchanged"
    if b"\x00" in data:
        return "binary file (contains NUL bytes); copied unchanged"
    return None


def line_ending(source: bytes, offset: int) -> str:
    """The line ending to use for a line inserted at `offset`: that of the line it sits in, or of
    the line before it when that line has none (last line), so mixed-ending files stay as they are."""
    nl = source.find(b"\n", offset)
    if nl == -1:
        nl = source.rfind(b"\n", 0, offset)
    if nl == -1:
        return "\r" if b"\r" in source else "\n"
    return "\r\n" if nl > 0 and source[nl - 1:nl] == b"\r" else "\n"


def decode(data: bytes, *, python: bool = False) -> Decoded:
    reason = binary_reason(data)
    if reason:
        raise UndecodableError(reason)
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
            if not _ascii_compatible(encoding):
                raise UndecodableError(f"coding declaration names {cookie!r}, which Python cannot read source in")
    if encoding in ("utf-8", "utf_8"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as e:
            hint = "; declare its encoding with a `# -*- coding: NAME -*-` line" if python else ""
            raise UndecodableError(f"not valid UTF-8 at byte {e.start + len(bom)}{hint}; copied unchanged") from None
        return Decoded(data, "utf-8", bom)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise UndecodableError(f"not valid {encoding} at byte {e.start + len(bom)}; copied unchanged") from None
    if text.encode(encoding) != data:
        raise UndecodableError(f"{encoding} text does not round-trip byte for byte; copied unchanged")
    return Decoded(text.encode("utf-8"), encoding, bom)


def _ascii_compatible(encoding: str) -> bool:
    probe = bytes(range(32, 127)) + b"\t\n\r"
    try:
        return probe.decode(encoding) == probe.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


class LineIndex:
    """Byte offset <-> (line, column) for one source; columns count characters, 1-based."""

    __slots__ = ("source", "starts", "_ascii")

    def __init__(self, source: bytes):
        self.source = source
        # each line's start: 0, then one past each newline (split and accumulate run in C; a
        # find() per line was 0.07 s over transformers' changed files)
        self.starts = list(accumulate((len(line) + 1 for line in source.split(b"\n")[:-1]), initial=0))
        self._ascii: dict[int, bool] = {}

    def line_of(self, offset: int) -> int:
        from bisect import bisect_right

        return bisect_right(self.starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        line = self.line_of(offset)
        start = self.starts[line - 1]
        ascii_line = self._ascii.get(line)
        if ascii_line is None:  # once per line: a 1 MB line with many findings stays linear
            s, e = self.line_span(line)
            ascii_line = self._ascii[line] = self.source[s:e].isascii()
        if ascii_line:
            return line, offset - start + 1
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
