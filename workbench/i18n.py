"""The message catalogue: every UI label and message, in Japanese (default) and English.

Messages live in `workbench/catalog/*.toml`, one file per area, each key with a `ja` and an
`en` text: `["nav.new_repeat"]` then `ja = "新規・リピート"` and `en = "New vs repeat"`.
Texts use str.format fields: `{count}`. A key defined twice is an error (one place per label).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """All messages, merged from the catalogue files."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOG_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for key, texts in _flatten(data):
            if key in merged:
                raise ValueError(f"message {key!r} defined twice (second time in {path.name})")
            merged[key] = texts
    return merged


def _flatten(data: dict, prefix: str = ""):
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict) and set(value) <= set(LANGUAGES) and all(isinstance(v, str) for v in value.values()):
            yield full, value
        elif isinstance(value, dict):
            yield from _flatten(value, full + ".")
        else:
            raise ValueError(f"catalogue entry {full!r} must be a table of ja/en texts")


def t(key: str, lang: str = DEFAULT_LANGUAGE, **fields) -> str:
    """The message `key` in `lang` (falling back to Japanese), with fields filled in."""
    texts = catalogue().get(key)
    if texts is None:
        return key
    text = texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or key
    if fields:
        try:
            return text.format(**fields)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def has(key: str) -> bool:
    return key in catalogue()
