"""Just enough of PEM and X.509 to check a TLS Secret offline: is there a certificate, does
it parse, when does it expire. No cryptography dependency: the DER walk below reads only the
outer structure up to ``validity.notAfter``."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime

__all__ = ["certificate_not_after", "decode_secret_value", "pem_blocks"]

_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)\s*-----END \1-----", re.S)


def decode_secret_value(value: object, encoded: bool) -> bytes | None:
    """A Secret's ``data`` value (base64) or ``stringData`` value (plain) as bytes."""
    if not isinstance(value, str):
        return None
    if not encoded:
        return value.encode()
    try:
        return base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError):
        return None


def pem_blocks(data: bytes) -> list[tuple[str, bytes]]:
    """``[(label, der)]`` for every PEM block whose body is valid base64."""
    blocks = []
    for match in _PEM.finditer(data):
        try:
            der = base64.b64decode(b"".join(match[2].split()), validate=True)
        except (binascii.Error, ValueError):
            continue
        blocks.append((match[1].decode(), der))
    return blocks


def _element(data: bytes, index: int) -> tuple[int, int, int]:
    """``(tag, content_start, content_end)`` of the DER element at ``index``."""
    tag, length = data[index], data[index + 1]
    index += 2
    if length & 0x80:
        size = length & 0x7F
        length = int.from_bytes(data[index : index + size], "big")
        index += size
    if index + length > len(data):
        raise ValueError("truncated DER")
    return tag, index, index + length


def _time(tag: int, raw: bytes) -> datetime:
    text = raw.decode("ascii").rstrip("Z")
    if tag == 0x17:  # UTCTime, two-digit year
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    return datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def certificate_not_after(der: bytes) -> datetime | None:
    """``notAfter`` of an X.509 certificate, or None when the DER is not a certificate."""
    try:
        tag, start, _ = _element(der, 0)
        if tag != 0x30:
            return None
        tag, index, end = _element(der, start)  # tbsCertificate
        if tag != 0x30:
            return None
        fields = []
        while index < end and len(fields) < 6:
            tag, content, index = _element(der, index)
            fields.append((tag, content, index))
        if fields and fields[0][0] == 0xA0:  # explicit version
            fields = fields[1:]
        tag, content, stop = fields[3]  # serial, signature, issuer, validity
        if tag != 0x30:
            return None
        _, _, after_first = _element(der, content)  # notBefore
        tag, value, value_end = _element(der, after_first)
        if tag not in (0x17, 0x18) or value_end > stop:
            return None
        return _time(tag, der[value:value_end])
    except (IndexError, ValueError, UnicodeDecodeError):
        return None
