"""Identity data encrypted at rest (SPEC §8; PIPL Art. 51): AES-256-GCM from ``cryptography``
for the values, HMAC-SHA256 for the exact-match search hash.

One master key (``PII_KEY``: 32 random bytes, base64) yields, through HKDF-SHA256, three
independent keys: the AES-GCM key, the HMAC key of the search hash and a short public key id.
A value is stored as ``pii1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>`` with a fresh 96-bit
nonce each time, so equal numbers give different texts; the key id says which master key
sealed it, so that after a rotation the old keys (``PII_OLD_KEYS``) still open what was not yet
re-encrypted, and the rotation finds what still needs it. A wrong or unknown key fails the GCM
tag check: a value is never "decrypted" into garbage. Error messages never carry a value.
"""

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "pii1:"
NONCE_BYTES = 12


class PiiKeyError(ValueError):
    """A key is malformed, or a stored value cannot be opened with the keys at hand."""


def generate_key() -> str:
    """A new master key, as ``PII_KEY`` expects it."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_key(text: str) -> bytes:
    """The 32 bytes of a base64 master key (standard or URL-safe alphabet)."""
    cleaned = (text or "").strip()
    try:
        raw = base64.urlsafe_b64decode(cleaned.replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise PiiKeyError("PII_KEY 应为 32 字节随机数的 base64 编码")
    return raw


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class _Key:
    def __init__(self, master: bytes):
        self.id = _derive(master, b"portal pii key id")[:4].hex()
        self.aead = AESGCM(_derive(master, b"portal pii encryption"))
        self.mac = _derive(master, b"portal pii search hash")


def is_sealed(value: str | None) -> bool:
    """Whether a stored text is an encrypted value (rather than plain text or empty)."""
    return bool(value) and value.startswith(PREFIX)


class Keyring:
    """The current master key (it seals, and keys the search hash) and older ones (they only
    open values sealed before a rotation)."""

    def __init__(self, current: bytes, old: Iterable[bytes] = ()):
        self.current = _Key(current)
        self._keys = {key.id: key for key in map(_Key, old)}
        self._keys[self.current.id] = self.current

    def seal(self, plain: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.current.aead.encrypt(nonce, plain.encode(), None)
        body = base64.urlsafe_b64encode(nonce + sealed).decode()
        return f"{PREFIX}{self.current.id}:{body}"

    def open(self, token: str) -> str:
        if not is_sealed(token):
            raise PiiKeyError("该值不是加密值")
        key_id, _, body = token[len(PREFIX) :].partition(":")
        key = self._keys.get(key_id)
        if key is None:
            raise PiiKeyError(f"缺少密钥 {key_id}（请在 PII_OLD_KEYS 中提供旧密钥）")
        try:
            raw = base64.urlsafe_b64decode(body)
            return key.aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()
        except (InvalidTag, binascii.Error, ValueError):
            raise PiiKeyError(f"无法用密钥 {key_id} 解密") from None

    def is_current(self, token: str) -> bool:
        """Whether a sealed value was sealed with the current key (a rotation skips it)."""
        return token.startswith(f"{PREFIX}{self.current.id}:")

    def search_hash(self, value: str) -> str:
        """The keyed hash of a value for exact search: equal values, equal hashes; without the
        key, a hash tells nothing (a dictionary of all ID numbers cannot be tried on it)."""
        return hmac.new(self.current.mac, value.encode(), hashlib.sha256).hexdigest()
