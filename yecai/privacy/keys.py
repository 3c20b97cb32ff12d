"""Keys: only from the environment or from a key file outside the home; IDs, never values.

A key has a purpose (``token``, ``warehouse``, ``lake``, ``publish``) and comes from

- ``YECAI_<PURPOSE>_KEY``: 64+ hex characters or base64 of 32+ random bytes, or
- ``YECAI_<PURPOSE>_KEY_FILE``: a file holding that text, which must lie outside the yecai
  home (a copy of the home must not carry its own key), be a regular file owned by this
  user and readable by nobody else (mode 0600 or 0400).

Rotation: the new key goes in ``YECAI_<PURPOSE>_KEY`` and the old one in
``YECAI_<PURPOSE>_KEY_PREVIOUS`` (or ``…_PREVIOUS_FILE``) while files are re-encrypted and
role copies re-published; every artefact records the ``key_id`` it was written with, so a
reader knows which of the two opens it. A key ID is a fingerprint (an HMAC of a fixed
label under the key): it names the key in logs, manifests and the audit log without
revealing it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from yecai.errors import YecaiError

MIN_KEY_BYTES = 32

PURPOSES: dict[str, str] = {
    "token": "keyed HMAC tokens of personal data in role copies (stable for joins)",
    "warehouse": "encrypted DuckDB databases: the build warehouse and the hr role's copy",
    "lake": "encrypted Parquet of clear personal data: raw HR zone and quarantine",
    "publish": "encrypted DuckLake catalogs and data files of published role copies",
}

GENERATE_HINT = 'python -c "import secrets; print(secrets.token_hex(32))"'


def env_name(purpose: str, previous: bool = False) -> str:
    return f"YECAI_{purpose.upper()}_KEY" + ("_PREVIOUS" if previous else "")


@dataclass(frozen=True)
class Key:
    purpose: str
    key_id: str
    source: str  # where it came from (a variable's or a file's name), for messages
    material: bytes = field(repr=False)

    def derive(self, label: str) -> bytes:
        """A 32-byte subkey for one use (a database, a Parquet footer), so uses never share."""
        return hmac.new(self.material, f"yecai/{label}".encode(), hashlib.sha256).digest()

    def __str__(self) -> str:
        return f"{self.key_id} (from {self.source})"


def key_id_of(purpose: str, material: bytes) -> str:
    fingerprint = hmac.new(material, b"yecai key id", hashlib.sha256).hexdigest()[:16]
    return f"{purpose}-{fingerprint}"


def parse_key_text(text: str, where: str) -> bytes:
    """Key material from its text: hex, or standard/url-safe base64, of 32+ bytes."""
    t = text.strip()
    fix = f"put 32 random bytes as hex in it, e.g. the output of: {GENERATE_HINT}"
    material: bytes | None = None
    try:
        material = bytes.fromhex(t)
    except ValueError:
        standard = t.translate(str.maketrans("-_", "+/"))  # url-safe base64 too
        try:
            material = base64.b64decode(standard + "=" * (-len(t) % 4), validate=True)
        except (binascii.Error, ValueError):
            material = None
    if material is None:
        raise YecaiError(f"{where} is neither hex nor base64", fix)
    if len(material) < MIN_KEY_BYTES:
        raise YecaiError(
            f"{where} holds a key of {len(material)} bytes; at least {MIN_KEY_BYTES} are needed",
            fix,
        )
    return material


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def read_key_file(path: Path, home: Path, variable: str) -> bytes:
    """The key in ``path``, after checking where it lies and who can read it."""
    where = f"key file {path} (from {variable})"
    if not path.is_absolute():
        raise YecaiError(f"{where} is a relative path", "give the key file's absolute path")
    if _inside(path, home):
        raise YecaiError(
            f"{where} lies inside the yecai home {home}",
            "keep keys outside the home (a copy or backup of the home must not carry its key), "
            "e.g. in /etc/yecai/ or ~/.config/yecai-keys/ with mode 0600",
        )
    try:
        st = path.stat()
    except OSError as exc:
        raise YecaiError(
            f"{where} cannot be read: {exc.strerror}",
            f"create it: {GENERATE_HINT} > {path}; chmod 600 {path}",
        ) from exc
    if not stat.S_ISREG(st.st_mode):
        raise YecaiError(
            f"{where} is not a regular file", "point the variable at the key file itself"
        )
    if st.st_mode & 0o077:
        raise YecaiError(
            f"{where} has mode {stat.S_IMODE(st.st_mode):04o}: others can read it",
            f"chmod 600 {path}",
        )
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        raise YecaiError(
            f"{where} belongs to uid {st.st_uid}, not to this process (uid {os.getuid()})",
            f"chown the file to the user that runs yecai, or copy it: install -m 600 {path} <new path>",
        )
    return parse_key_text(path.read_text(encoding="utf-8"), where)


def load_key(
    purpose: str,
    home: Path,
    env: Mapping[str, str] | None = None,
    previous: bool = False,
    required: bool = True,
) -> Key | None:
    """The ``purpose`` key from ``YECAI_<PURPOSE>_KEY`` or ``…_KEY_FILE`` (``…_PREVIOUS`` when
    ``previous``). None when neither is set and not ``required``."""
    if purpose not in PURPOSES:
        raise YecaiError(f"unknown key purpose {purpose!r}", f"use one of: {', '.join(PURPOSES)}")
    env = os.environ if env is None else env
    name = env_name(purpose, previous)
    value, file_value = env.get(name), env.get(f"{name}_FILE")
    if value and file_value:
        raise YecaiError(
            f"both {name} and {name}_FILE are set", "set one of them: the key, or its file"
        )
    if value:
        material, source = parse_key_text(value, f"environment variable {name}"), name
    elif file_value:
        path = Path(file_value).expanduser()
        material, source = read_key_file(path, home, f"{name}_FILE"), str(path)
    elif required:
        raise YecaiError(
            f"no {purpose} key is set: neither {name} nor {name}_FILE ({PURPOSES[purpose]})",
            f"export {name}_FILE=/etc/yecai/{purpose}.key after creating it with "
            f"{GENERATE_HINT} > /etc/yecai/{purpose}.key && chmod 600 /etc/yecai/{purpose}.key",
        )
    else:
        return None
    return Key(purpose, key_id_of(purpose, material), source, material)


def load_keyring(purpose: str, home: Path, env: Mapping[str, str] | None = None) -> dict[str, Key]:
    """Key ID -> key for the current key and, during a rotation, the previous one."""
    current = load_key(purpose, home, env)
    previous = load_key(purpose, home, env, previous=True, required=False)
    ring = {current.key_id: current} if current else {}
    if previous:
        ring[previous.key_id] = previous
    return ring


def new_key_text() -> str:
    """Fresh key material as hex (what ``yecai privacy new-key`` would print)."""
    return secrets.token_hex(MIN_KEY_BYTES)
