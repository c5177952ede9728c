"""Ed25519 keys for signed checkpoints of the decision log: making them, reading them, signing, checking.

Without a key anyone who can write the log file can rewrite its whole chain, hashes and
all. A writer holding the private key signs the log's head as it appends (a *checkpoint*,
kept in the log by :mod:`.ledger`); an auditor holding only the public key checks every
checkpoint, so a rewrite or an append made without the private key is found.

Keys are PEM files: the private key PKCS#8 (unencrypted: writers run unattended; the file
is created 0600 and must be kept where only the log's writers can read it), the public key
SubjectPublicKeyInfo. A key is named by its *key id*, ``ed25519:`` and the first 16 bytes
(hex) of the SHA-256 of the raw public key, which every checkpoint records.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ...errors import InputError, Problem
from ...files import open_private

#: A key file is a few hundred bytes; anything larger is not one.
_MAX_KEY_BYTES = 16_384


def key_id(public: Ed25519PublicKey) -> str:
    """``ed25519:`` + the first 16 bytes, in hex, of the SHA-256 of the raw public key."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:32]


class PublicKey:
    """A public key that checks checkpoint signatures (what ``Ledger.verify(public_key=...)`` takes)."""

    def __init__(self, key: Ed25519PublicKey) -> None:
        self._key = key
        self.key_id = key_id(key)

    def verify(self, signature: bytes, message: bytes) -> bool:
        """Whether ``signature`` is this key's signature of ``message``."""
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def pem(self) -> bytes:
        return self._key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


class SigningKey:
    """A private key that signs checkpoints (what ``Ledger(path, signer=...)`` takes)."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self.public_key = PublicKey(key.public_key())
        self.key_id = self.public_key.key_id

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def pem(self) -> bytes:
        return self._key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())


def public_key_path(private_path: str | os.PathLike[str]) -> Path:
    """Where :func:`generate` puts the public key of the private key at ``private_path``: beside it, ``.pub`` added."""
    path = Path(private_path)
    return path.with_name(path.name + ".pub")


def generate(private_path: str | os.PathLike[str]) -> SigningKey:
    """Make a new key pair: the private key at ``private_path`` (mode 0600), the public key beside it (``.pub``).

    Neither file may exist already: a key is never overwritten (the checkpoints it signed
    could no longer be checked). An :class:`InputError` names the file in the way.
    """
    public_path = public_key_path(private_path)
    for path in (Path(private_path), public_path):
        if os.path.lexists(path):
            raise InputError("a key file is already there; no key was made", [Problem(
                str(path), "an existing file", "a path where no file is yet",
                "a key is never overwritten: choose another name, or remove the old key if no log needs it")])
    key = SigningKey(Ed25519PrivateKey.generate())
    try:
        with open_private(private_path, "wb", exclusive=True) as out:
            out.write(key.pem())
        with open(public_path, "xb") as out:  # the public key is for anyone to read
            out.write(key.public_key.pem())
    except OSError as error:
        raise InputError("the key files cannot be written; no key was made", [Problem(
            str(error.filename or private_path), error.strerror or str(error), "a folder this process can write to")],
            ) from None
    return key


def _read(path: str | os.PathLike[str], what: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(_MAX_KEY_BYTES + 1)
    except OSError as error:
        raise InputError(f"the {what} cannot be read", [Problem(
            str(path), error.strerror or str(error), f"a readable {what} file made by `scr log keygen`")],
            str(path)) from None


def load_signing_key(path: str | os.PathLike[str]) -> SigningKey:
    """The private key in the PEM file at ``path``; an :class:`InputError` if it is not an Ed25519 private key."""
    data = _read(path, "signing key")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        kind = "a public key" if b"PUBLIC KEY" in data else "not an unencrypted PEM private key"
        raise InputError("that file is not a signing key", [Problem(
            str(path), kind, "an Ed25519 private key made by `scr log keygen`",
            "give the private key (KEY), not the public one (KEY.pub)" if "public" in kind else str(error)[:100])],
            str(path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError("that file is not a signing key", [Problem(
            str(path), f"a {type(key).__name__.removeprefix('_')} key", "an Ed25519 private key made by `scr log keygen`")],
            str(path))
    return SigningKey(key)


def load_public_key(path: str | os.PathLike[str]) -> PublicKey:
    """The public key in the PEM file at ``path``; an :class:`InputError` if it is not an Ed25519 public key."""
    data = _read(path, "public key")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as error:
        kind = "a private key" if b"PRIVATE KEY" in data else "not a PEM public key"
        raise InputError("that file is not a public key", [Problem(
            str(path), kind, "an Ed25519 public key (KEY.pub, made by `scr log keygen`)",
            "give the public key (KEY.pub); the private key stays with the log's writers" if "private" in kind
            else str(error)[:100])], str(path)) from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError("that file is not a public key", [Problem(
            str(path), f"a {type(key).__name__.removeprefix('_')} key", "an Ed25519 public key made by `scr log keygen`")],
            str(path))
    return PublicKey(key)


__all__ = ["PublicKey", "SigningKey", "generate", "key_id", "load_public_key", "load_signing_key", "public_key_path"]
