"""Admin keys at rest: Fernet round trips, rotation, fingerprints, and clear errors."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.billing import Vault, VaultError, fingerprint, generate_secret_key
from tests.fake_providers import ANTHROPIC_ADMIN_KEY, OPENAI_ADMIN_KEY

SECRET = "Yk1eZ0zqGmI5c0W2ZfL3lq0rJ2oS8pBv9yHn4tXa6dE="  # a fixed, valid Fernet key for tests


def test_a_key_round_trips_and_is_not_stored_in_the_clear() -> None:
    vault = Vault.from_secret(SECRET)
    token = vault.encrypt(f"  {OPENAI_ADMIN_KEY}\n")  # pasted with whitespace

    assert OPENAI_ADMIN_KEY not in token and "FAKE" not in token
    assert vault.decrypt(token) == OPENAI_ADMIN_KEY
    assert vault.encrypt(OPENAI_ADMIN_KEY) != token  # fresh IV each time
    assert Fernet(SECRET.encode()).decrypt(token.encode()).decode() == OPENAI_ADMIN_KEY


@pytest.mark.parametrize("secret", [None, "", "   "])
def test_a_missing_secret_key_says_how_to_make_one(secret: str | None) -> None:
    with pytest.raises(VaultError) as caught:
        Vault.from_secret(secret)
    message = str(caught.value)
    assert message.startswith("TOKENCOST_SECRET_KEY is not set, so admin keys cannot be stored")
    assert "Fernet.generate_key()" in message


@pytest.mark.parametrize("secret", ["too-short", "é" * 44, "A" * 43 + "!"])
def test_an_invalid_secret_key_is_named(secret: str) -> None:
    with pytest.raises(VaultError, match=r"^TOKENCOST_SECRET_KEY is not a Fernet key"):
        Vault.from_secret(secret)


def test_which_of_several_secret_keys_is_invalid() -> None:
    with pytest.raises(VaultError, match=r"^TOKENCOST_SECRET_KEY \(key 2\) is not a Fernet key"):
        Vault.from_secret(f"{SECRET},nope")


def test_the_wrong_secret_key_cannot_decrypt_and_says_what_to_do() -> None:
    token = Vault.from_secret(SECRET).encrypt(ANTHROPIC_ADMIN_KEY)
    other = Vault.from_secret(generate_secret_key())

    with pytest.raises(VaultError, match="cannot be decrypted with this TOKENCOST_SECRET_KEY"):
        other.decrypt(token)
    with pytest.raises(VaultError):
        other.decrypt("not a token at all ✗")


def test_rotation_new_key_first_old_key_still_decrypts() -> None:
    old_token = Vault.from_secret(SECRET).encrypt(ANTHROPIC_ADMIN_KEY)
    new_secret = generate_secret_key()
    both = Vault.from_secret(f"{new_secret}, {SECRET}")

    assert both.decrypt(old_token) == ANTHROPIC_ADMIN_KEY
    rotated = both.rotate(old_token)
    assert Vault.from_secret(new_secret).decrypt(rotated) == ANTHROPIC_ADMIN_KEY
    with pytest.raises(VaultError, match="cannot be rotated"):
        Vault.from_secret(new_secret).rotate(old_token)


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(VaultError, match="The admin key is empty"):
        Vault.from_secret(SECRET).encrypt(" \n")


def test_the_vault_repr_shows_no_secret() -> None:
    assert repr(Vault.from_secret(SECRET)) == "Vault(<secret>)"


def test_fingerprints_name_the_key_type_and_nothing_of_the_key() -> None:
    openai = fingerprint(OPENAI_ADMIN_KEY)
    anthropic = fingerprint(ANTHROPIC_ADMIN_KEY)

    assert openai.startswith("sk-admin-…") and len(openai) == len("sk-admin-…") + 8
    assert anthropic.startswith("sk-ant-admin01-…")
    secret_part = OPENAI_ADMIN_KEY.removeprefix("sk-admin-")
    assert not any(secret_part[i : i + 4] in openai for i in range(len(secret_part) - 3))
    assert fingerprint(f" {OPENAI_ADMIN_KEY} ") == openai  # stable, whitespace ignored
    assert fingerprint(OPENAI_ADMIN_KEY + "x") != openai
    assert fingerprint("something-else").startswith("key …")


def test_generated_secret_keys_work() -> None:
    secret = generate_secret_key()
    assert secret != generate_secret_key()
    vault = Vault.from_secret(secret)
    assert vault.decrypt(vault.encrypt("sk-admin-x")) == "sk-admin-x"
