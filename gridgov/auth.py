"""Users, roles and what each role may open; passwords stored only as scrypt hashes.

Users live in a TOML file outside the database (GRIDGOV_USERS, default data/users.toml, never
committed). Each entry: role, optional street (for street staff), optional email (for OIDC
sign-in), and the password hash.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_USERS_FILE = "data/users.toml"

# Role -> its label and the pages (url paths) it may open. Reading pages are open to every role;
# street staff see them scoped to their street by the data layer, not by the page.
READING_PAGES = frozenset({"overview", "cases", "supervision", "petitions", "grading", "hotspots", "quality"})
ROLES: dict[str, dict] = {
    "leader": {"zh": "领导", "en": "Leader", "pages": READING_PAGES},
    "orgdept": {"zh": "组织部", "en": "Organisation dept.", "pages": READING_PAGES | {"briefing"}},
    "analyst": {"zh": "分析员", "en": "Analyst", "pages": READING_PAGES | {"workbench"}},
    "street": {"zh": "街道", "en": "Street staff", "pages": READING_PAGES | {"briefing", "workbench"}},
    "admin": {"zh": "管理员", "en": "Administrator",
              "pages": READING_PAGES | {"briefing", "workbench", "import", "admin"}},
}
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,32}$")

# scrypt parameters: ~16 MiB and ~50 ms per check on this class of machine.
_N, _R, _P = 2**14, 8, 1


class AuthError(ValueError):
    """A user-management mistake (unknown role, bad name, missing street…)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    street: str | None = None
    email: str | None = None

    @property
    def scoped(self) -> bool:
        return self.street is not None

    def may_open(self, url_path: str) -> bool:
        return url_path in ROLES[self.role]["pages"]

    def role_label(self, lang: str) -> str:
        return ROLES[self.role][lang]


DEMO_USER = User("demo", "admin")


def users_file() -> Path:
    return Path(os.environ.get("GRIDGOV_USERS", DEFAULT_USERS_FILE))


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    enc = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${enc(salt).decode()}${enc(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt),
                                n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def load_users(path: Path | None = None) -> dict[str, dict]:
    path = path or users_file()
    if not path.exists():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8")).get("users", {})


def _write_users(users: dict[str, dict], path: Path) -> None:
    lines = ["# gridgov users: managed with `python -m gridgov users …`; passwords are scrypt hashes.", ""]
    for name in sorted(users):
        lines.append(f"[users.{_quote(name)}]")
        for key in ("role", "street", "email", "password"):
            if users[name].get(key):
                lines.append(f"{key} = {_quote(str(users[name][key]))}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def add_user(name: str, role: str, password: str, street: str | None = None, email: str | None = None,
             known_streets: list[str] | None = None, path: Path | None = None) -> User:
    """Create or replace a user; street staff must name a known street."""
    path = path or users_file()
    if not NAME_PATTERN.match(name):
        raise AuthError(f"bad user name {name!r}: 2-32 letters, digits, Chinese characters, '_', '-' or '.'")
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    if role == "street" and not street:
        raise AuthError("a street user needs --street NAME")
    if role != "street" and street:
        raise AuthError(f"only street users are scoped to a street (role {role!r} sees the whole district)")
    if street and known_streets is not None and street not in known_streets:
        raise AuthError(f"unknown street {street!r}; known: {', '.join(known_streets)}")
    if len(password) < 8:
        raise AuthError("the password must have at least 8 characters")
    users = load_users(path)
    users[name] = {"role": role, "street": street, "email": email, "password": hash_password(password)}
    _write_users(users, path)
    return User(name, role, street, email)


def remove_user(name: str, path: Path | None = None) -> None:
    path = path or users_file()
    users = load_users(path)
    if name not in users:
        raise AuthError(f"no user named {name!r}")
    del users[name]
    _write_users(users, path)


def _user(name: str, entry: dict) -> User:
    return User(name, entry["role"], entry.get("street") or None, entry.get("email") or None)


def list_users(path: Path | None = None) -> list[User]:
    return [_user(name, entry) for name, entry in sorted(load_users(path).items())]


class Throttle:
    """Refuses a name after `limit` failed logins within `window` seconds (slows guessing)."""

    def __init__(self, limit: int = 5, window: float = 900.0):
        self.limit, self.window = limit, window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, name: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(name, []) if now - t < self.window]
            self._failures[name] = recent
            return len(recent) >= self.limit

    def failed(self, name: str) -> None:
        with self._lock:
            self._failures.setdefault(name, []).append(time.monotonic())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


def authenticate(name: str, password: str, path: Path | None = None) -> User | None:
    entry = load_users(path).get(name)
    if entry is None:
        # Spend the same time as a real check so timing does not reveal which names exist.
        verify_password(password, "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        return None
    if not verify_password(password, entry.get("password", "")):
        return None
    return _user(name, entry)


def user_by_email(email: str, path: Path | None = None) -> User | None:
    for name, entry in load_users(path).items():
        if entry.get("email") and entry["email"].lower() == email.lower():
            return _user(name, entry)
    return None


def login_required(data_source: str | None) -> bool:
    """Login is on unless this is the demo district with no users configured (GRIDGOV_AUTH overrides)."""
    setting = os.environ.get("GRIDGOV_AUTH", "auto").lower()
    if setting in ("on", "required", "true", "1"):
        return True
    if setting in ("off", "false", "0"):
        return False
    return not (data_source == "demo" and not users_file().exists())
