"""Members' personal signing keys: Ed25519 (``cryptography``), written as text, and the enrolment
code a member reads out (or sends) to the lead.

A member's private key signs every act they log; the lead enrols its public half in the team (an
``enrol`` act), and from then on the services accept acts in that member's name only when signed by
that key. The private key is kept in the member's keychain (``app.keychain``) or, for a script or
a machine without one, in a file or ``$CAUCUS_MEMBER_KEY``, as ``caucus-member-key-1:<base64>``.

The enrolment code is the public key (32 bytes) with a 3-byte checksum, in base32 (letters A–Z and
digits 2–7), grouped in fours: 14 groups that can be read aloud, typed, or pasted. A mistyped group
fails the checksum instead of enrolling a wrong key.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from app.errors import InvalidInput
from app.numbers import show_value

KEY_PREFIX = "caucus-member-key-1:"
CODE_GROUPS = 14
_CHECKSUM = 3
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})  # read aloud or typed from paper


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, eq=False)
class MemberKey:
    """A member's private signing key; ``public`` is its public half as stored in the journal."""

    private: Ed25519PrivateKey
    public: str

    @classmethod
    def generate(cls) -> MemberKey:
        """A fresh key."""
        return cls._of(Ed25519PrivateKey.generate())

    @classmethod
    def _of(cls, private: Ed25519PrivateKey) -> MemberKey:
        raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return cls(private, _b64(raw))

    @classmethod
    def from_text(cls, text: str, source: str = "the member key") -> MemberKey:
        """A key from its text form; anything else is an ``InvalidInput`` naming ``source``."""
        text = text.strip()
        try:
            if not text.startswith(KEY_PREFIX):
                raise ValueError
            raw = _unb64(text[len(KEY_PREFIX):])
            return cls._of(Ed25519PrivateKey.from_private_bytes(raw))
        except ValueError:
            raise InvalidInput(f"{source} is not a Caucus member key (it starts with "
                               f"{show_value(KEY_PREFIX)})") from None

    def text(self) -> str:
        """The key as text, for the keychain or a key file (a secret: never log it)."""
        raw = self.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return KEY_PREFIX + _b64(raw)

    def sign(self, message: bytes) -> str:
        """The signature of ``message``, as text."""
        return _b64(self.private.sign(message))

    @property
    def code(self) -> str:
        """This key's enrolment code."""
        return enrolment_code(self.public)


def signature_holds(public: str | None, signature: str | None, message: bytes) -> bool:
    """True when ``signature`` is ``public``'s signature of ``message``."""
    if not isinstance(public, str) or not isinstance(signature, str):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(public)).verify(_unb64(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def enrolment_code(public: str) -> str:
    """The public key as a code of 14 groups of 4 letters and digits, with a checksum."""
    raw = _unb64(public)
    text = base64.b32encode(raw + hashlib.sha256(raw).digest()[:_CHECKSUM]).decode()
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def short_code(public: str) -> str:
    """The first two groups of a key's code: enough to tell keys apart on screen."""
    return enrolment_code(public)[:9]


def parse_code(text: str) -> str:
    """The public key an enrolment code (or a public key file's text) stands for.

    Spaces, dashes and case do not matter, nor 0/1/8 typed for O/I/B; a wrong length or a typo
    is an ``InvalidInput`` that says which."""
    found = re.findall(r"[A-Za-z2-7018][A-Za-z2-7018 \-]{40,}", text)
    letters = (found[-1] if found else text).upper().translate(_LOOKALIKES)
    letters = re.sub(r"[\s\-]", "", letters)
    expected = CODE_GROUPS * 4
    if len(letters) != expected or not re.fullmatch(r"[A-Z2-7]+", letters):
        raise InvalidInput(f"an enrolment code has {expected} letters and digits ({CODE_GROUPS} "
                           f"groups of 4); this one has {len(letters)}")
    data = base64.b32decode(letters)
    raw, check = data[:-_CHECKSUM], data[-_CHECKSUM:]
    if hashlib.sha256(raw).digest()[:_CHECKSUM] != check:
        raise InvalidInput("the enrolment code does not check out: a group was mistyped; "
                           "compare it group by group with the member's screen")
    return _b64(raw)


def read_key_file(path: str | os.PathLike) -> MemberKey:
    """A private member key from a file (``--key-file``)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"--key-file: cannot read {path} ({getattr(exc, 'strerror', exc)})"
                           ) from None
    return MemberKey.from_text(text, f"--key-file {path}")
