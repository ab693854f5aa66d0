"""Keyed hashing of personal data (callers' phones, petitioners' identities).

The key lives in a file outside the database (GRIDGOV_HASH_KEY_FILE, default data/hash.key),
created on first use readable by its owner only. Without the key, a stolen database cannot be
turned back into phone numbers by hashing all 10^10 of them; with the same key, the same person
gets the same key in every import, so repeat callers are still found.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Callable

import polars as pl

from . import values

ENV = "GRIDGOV_HASH_KEY_FILE"
DEFAULT_PATH = Path("data/hash.key")
DIGEST_CHARS = 32


class KeyFileError(RuntimeError):
    """The key file is missing where it cannot be created, unreadable or open to other users."""


def key_path() -> Path:
    return Path(os.environ.get(ENV) or DEFAULT_PATH)


def load_key(path: Path | None = None) -> bytes:
    """The hashing key, created (mode 600) on first use."""
    path = path or key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: read theirs
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32) + "\n")
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise KeyFileError(f"cannot read the hashing key {path}: {e}") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(f"the hashing key {path} is readable by other users; run: chmod 600 {path}")
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        raise KeyFileError(f"the hashing key {path} is not 64 hex characters")
    return bytes.fromhex(text)


def fingerprint(key: bytes) -> str:
    """A short public tag of the key, recorded with each import so a changed key is noticed."""
    return hmac.new(key, b"gridgov key fingerprint", hashlib.sha256).hexdigest()[:12]


def normalise_identity(s: pl.Series) -> pl.Series:
    """The same phone or ID number in any spelling hashes alike (spaces, dashes, +86, x/X)."""
    return values.on_rows(s, s.str.contains(r"\D"), lambda x: x.str.normalize("NFKC").str.replace_all(
        r"[\s\-()（）]", "").str.to_uppercase().str.replace(r"^(?:\+?86|0086)(1\d{10})$", "${1}"))


def hash_series(s: pl.Series, key: bytes) -> pl.Series:
    """HMAC-SHA256 of each non-null value (hex, 128 bits); computed once per distinct value."""
    digest = _hmac_sha256(key)

    def hashed(distinct: pl.Series) -> pl.Series:
        norm = normalise_identity(distinct)
        return pl.Series([digest(v.encode("utf-8")) if v else None for v in norm.to_list()], dtype=pl.String)
    return values.by_distinct(s, hashed)


def _hmac_sha256(key: bytes) -> Callable[[bytes], str]:
    """HMAC-SHA256 (RFC 2104) with the key's inner and outer states computed once, not per value."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(message: bytes) -> str:
        i = inner.copy()
        i.update(message)
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()[:DIGEST_CHARS]
    return digest
