"""Reading a text export's bytes: which encoding, decoding it (or finding where it fails), the delimiter.

Japanese cart systems export UTF-8 (with or without BOM), CP932/Shift_JIS or EUC-JP. The
encoding is guessed from the file's head; the whole file is then decoded in chunks, so a bad
byte anywhere is reported with its line, and non-UTF-8 text is written out as UTF-8 for DuckDB.
"""

from __future__ import annotations

import codecs
import csv
import unicodedata
from pathlib import Path

from ..errors import Problem

ENCODINGS = ("utf-8", "utf-8-sig", "cp932", "shift_jis", "euc-jp")
EXAMPLES = 20  # examples kept per import problem
CHUNK = 1 << 22  # 4 MiB
SAMPLE = 1 << 20  # the head read to guess the encoding


def _score(text: str) -> float:
    jp = sum(1 for ch in text if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff")
    halfkana = sum(1 for ch in text if "\uff61" <= ch <= "\uff9f")
    odd = sum(1 for ch in text if unicodedata.category(ch) in ("Co", "Cn", "Cc") and ch not in "\r\n\t")
    return jp - 2 * halfkana - 5 * odd


def detect_encoding(head: bytes) -> str:
    """The most likely encoding of a file starting with `head`."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    cands = []
    for enc in ("utf-8", "cp932", "euc-jp"):
        try:
            text = codecs.getincrementaldecoder(enc)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8":
            return enc
        cands.append((_score(text), enc))
    if not cands:
        return "utf-8"  # let the decoder report where it fails
    return max(cands, key=lambda c: (c[0], c[1] == "cp932"))[1]


def transcode(src: Path, dst: Path | None, encoding: str, file_label: str) -> list[Problem]:
    """Decode `src` in chunks (writing UTF-8 to `dst` when given); undecodable bytes as a problem."""
    bad: list[tuple[int, str]] = []
    count = 0

    dec = codecs.getincrementaldecoder(encoding)(errors="strict")
    out = dst.open("w", encoding="utf-8", newline="") if dst else None
    base = 0  # newlines before the bytes being decoded (a pending partial character holds none)
    try:
        with src.open("rb") as fh:
            while True:
                data = fh.read(CHUNK)
                final = not data
                while True:
                    try:
                        text = dec.decode(data, final=final)
                        base += data.count(b"\n")
                        break
                    except UnicodeDecodeError as exc:
                        count += 1
                        obj = exc.object
                        if len(bad) < EXAMPLES:
                            bad.append(
                                (base + obj[: exc.start].count(b"\n") + 1, obj[exc.start : exc.end + 1].hex(" "))
                            )
                        base += obj[: exc.end].count(b"\n")
                        data = obj[exc.end :]  # go on after the bad bytes with a fresh decoder
                        dec = codecs.getincrementaldecoder(encoding)(errors="strict")
                        out = None if out is None else (out.close() or None)  # the output is void now
                if out:
                    out.write(text)
                if final:
                    break
    finally:
        if out:
            out.close()
    if count:
        return [Problem("undecodable", file=file_label, count=count, examples=tuple(bad), info=encoding)]
    return []


def delimiter(path: Path, first_line: str) -> str:
    """The field delimiter: by extension for .csv/.tsv, else sniffed from the header line."""
    ext = path.suffix.lower()
    if ext == ".tsv":
        return "\t"
    if ext == ".csv":
        return ","
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",\t;|").delimiter
    except csv.Error:
        return "\t" if first_line.count("\t") > first_line.count(",") else ","


def header_columns(first_line: str, delim: str) -> dict[str, str]:
    """The header line's column names (blank ones named, repeats made unique), all read as text."""
    names = next(csv.reader([first_line.lstrip("\ufeff")], delimiter=delim), [])
    out, seen = {}, set()
    for i, n in enumerate(names):
        n = n.strip() or f"column{i + 1}"
        while n in seen:
            n += "_"
        seen.add(n)
        out[n] = "VARCHAR"
    return out
