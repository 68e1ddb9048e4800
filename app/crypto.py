"""The workspace secret: its join phrase, the keys derived from it, sealing and the journal's MACs.

The secret is 128 random bits, handed to teammates as a 12-word BIP-39 phrase (the ``mnemonic``
library: a standard word list with a checksum that catches a mistyped word). Two keys are derived
from it with HKDF-SHA256, salted with the workspace id: one seals confidential fields with AES-GCM
(``cryptography``), the other keys the seals of the journal's chain (``app.chain``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from mnemonic import Mnemonic

from app.errors import InvalidInput

_WORDS = Mnemonic("english")
_CHECK = b"caucus key check v1"


def new_phrase() -> str:
    """A fresh 12-word join phrase (128 bits of entropy)."""
    return _WORDS.generate(strength=128)


def normalise_phrase(phrase: str) -> str:
    """The phrase in canonical form; a typo (unknown word, bad checksum) is an ``InvalidInput``."""
    words = phrase.lower().split()
    if len(words) != 12:
        raise InvalidInput(f"a join phrase has 12 words; this one has {len(words)} words: check "
                           "for a missing, extra or joined word")
    text = " ".join(words)
    if not _WORDS.check(text):
        unknown = [w for w in words if w not in _WORDS.wordlist]
        where = (f'"{unknown[0]}" is not a word of the phrase list' if unknown
                 else "a word is mistyped or two are swapped (the checksum does not match)")
        raise InvalidInput(f"the join phrase is not right: {where}; compare it word by word "
                           "with the phrase you were given")
    return text


@dataclass(frozen=True)
class Keys:
    """The keys of one workspace, derived from its join phrase."""

    seal_key: bytes
    mac_key: bytes

    @classmethod
    def derive(cls, phrase: str, workspace_id: str) -> Keys:
        """Derive both keys from a (checked) phrase and the workspace id."""
        entropy = _WORDS.to_entropy(normalise_phrase(phrase))
        okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=(workspace_id or "").encode(),
                   info=b"caucus workspace keys v1").derive(bytes(entropy))
        return cls(seal_key=okm[:32], mac_key=okm[32:])

    def check_value(self) -> str:
        """A value stored in the file that tells a right phrase from a wrong one."""
        return hmac.new(self.mac_key, _CHECK, hashlib.sha256).hexdigest()[:32]

    # --- sealing --------------------------------------------------------------------------------

    def seal(self, value: Any, context: str) -> dict[str, str]:
        """An authenticated ciphertext of a JSON value, bound to ``context`` (where it belongs)."""
        nonce = os.urandom(12)
        data = json.dumps(value, separators=(",", ":")).encode()
        token = nonce + AESGCM(self.seal_key).encrypt(nonce, data, context.encode())
        return {"sealed": base64.b64encode(token).decode()}

    def open(self, sealed: dict[str, str], context: str) -> Any:
        """The value inside a sealed token; raises ``ValueError`` if it was altered or moved."""
        token = base64.b64decode(sealed["sealed"])
        try:
            data = AESGCM(self.seal_key).decrypt(token[:12], token[12:], context.encode())
        except Exception as exc:  # cryptography raises InvalidTag
            raise ValueError("a sealed value does not open with this workspace's key") from exc
        return json.loads(data)


def is_sealed(value: Any) -> bool:
    """True for a sealed token as stored in a payload."""
    return isinstance(value, dict) and set(value) == {"sealed"}
