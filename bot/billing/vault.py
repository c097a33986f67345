"""Admin keys at rest: Fernet-encrypted with ``TOKENCOST_SECRET_KEY``, shown only as fingerprints.

``TOKENCOST_SECRET_KEY`` holds one Fernet key, or several separated by commas to rotate: the
first encrypts, every one decrypts, and ``Vault.rotate`` re-encrypts a stored token under the
first. The caller passes the variable's value in (``bot/config.py`` reads the environment).
"""

from __future__ import annotations

import hashlib
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.billing.errors import VaultError

__all__ = ["SECRET_KEY_VARIABLE", "Vault", "fingerprint", "generate_secret_key"]

SECRET_KEY_VARIABLE = "TOKENCOST_SECRET_KEY"
_MAKE_ONE = (
    "make one with: python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())'"
)
_PREFIX = re.compile(r"sk-(?:ant-)?[a-z]+\d*-")


def generate_secret_key() -> str:
    """A new random value for ``TOKENCOST_SECRET_KEY`` (url-safe base64 of 32 bytes)."""
    return Fernet.generate_key().decode("ascii")


def fingerprint(api_key: str) -> str:
    """A display name for a key that reveals nothing of it: type prefix + 8 hex of SHA-256.

    ``sk-admin-…`` keys show as ``sk-admin-…1a2b3c4d``: the same key always gives the same
    fingerprint, so a person can tell two stored keys apart without ever seeing one.
    """
    key = api_key.strip()
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    match = _PREFIX.match(key)
    return f"{match.group(0) if match else 'key '}…{digest}"


class Vault:
    """Encrypts and decrypts admin keys; build it with ``Vault.from_secret``."""

    def __init__(self, fernet: MultiFernet) -> None:
        self._fernet = fernet

    def __repr__(self) -> str:
        return "Vault(<secret>)"

    @classmethod
    def from_secret(cls, secret: str | None) -> Vault:
        """Build from ``TOKENCOST_SECRET_KEY``'s value; raises ``VaultError`` when unusable."""
        if secret is None or not secret.strip():
            raise VaultError(
                f"{SECRET_KEY_VARIABLE} is not set, so admin keys cannot be stored; {_MAKE_ONE}."
            )
        keys: list[Fernet] = []
        for position, part in enumerate(secret.split(","), start=1):
            try:
                keys.append(Fernet(part.strip().encode("ascii")))
            except (ValueError, UnicodeEncodeError) as exc:
                which = "" if "," not in secret else f" (key {position})"
                raise VaultError(
                    f"{SECRET_KEY_VARIABLE}{which} is not a Fernet key (32 url-safe base64 "
                    f"bytes); {_MAKE_ONE}."
                ) from exc
        return cls(MultiFernet(keys))

    def encrypt(self, api_key: str) -> str:
        """Encrypt ``api_key`` (stripped) to a token safe to store as text."""
        key = api_key.strip()
        if not key:
            raise VaultError("The admin key is empty; paste the whole key.")
        return self._fernet.encrypt(key.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Decrypt a stored token; raises ``VaultError`` when no configured key opens it."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise VaultError(
                f"A stored admin key cannot be decrypted with this {SECRET_KEY_VARIABLE} "
                "(was it changed?); put the old key after the new one, separated by a comma, "
                "or connect the provider again."
            ) from exc

    def rotate(self, token: str) -> str:
        """Re-encrypt a stored token under the first key of ``TOKENCOST_SECRET_KEY``."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError) as exc:
            raise VaultError(
                f"A stored admin key cannot be decrypted with this {SECRET_KEY_VARIABLE}, "
                "so it cannot be rotated; connect the provider again."
            ) from exc
