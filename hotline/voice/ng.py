"""rtpengine's control protocol ("ng"): bencoded dictionaries over UDP, each prefixed with a
cookie that the reply repeats (rtpengine's docs, ng_control_protocol.md). Hotline asks it
directly for what no SIP message carries: a live listener's copy of a call's audio."""

import secrets
from typing import Any

from hotline.voice.udp import udp_ask

Bencodable = int | str | bytes | list[Any] | dict[str, Any]
TIMEOUT_S = 2.0
# `list` names at most this many of rtpengine's calls (its default is 32).
LIST_LIMIT = 10_000


class NgError(RuntimeError):
    """rtpengine answered with an error, or not at all."""


def bencode(value: Bencodable) -> bytes:
    if isinstance(value, bool):
        raise TypeError("bencode has no booleans")
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(item) for item in value) + b"e"
    if isinstance(value, dict):
        items = sorted(value.items())
        return b"d" + b"".join(bencode(key) + bencode(item) for key, item in items) + b"e"
    raise TypeError(f"cannot bencode {type(value).__name__}")


def bdecode(data: bytes) -> Any:
    value, end = _decode(data, 0)
    if end != len(data):
        raise ValueError("bencoded data has trailing bytes")
    return value


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    kind = data[at : at + 1]
    if kind == b"i":
        end = data.index(b"e", at)
        return int(data[at + 1 : end]), end + 1
    if kind == b"l":
        items, at = [], at + 1
        while data[at : at + 1] != b"e":
            item, at = _decode(data, at)
            items.append(item)
        return items, at + 1
    if kind == b"d":
        found: dict[str, Any] = {}
        at += 1
        while data[at : at + 1] != b"e":
            key, at = _decode(data, at)
            found[key], at = _decode(data, at)
        return found, at + 1
    if kind.isdigit():
        colon = data.index(b":", at)
        length = int(data[at:colon])
        raw = data[colon + 1 : colon + 1 + length]
        if len(raw) != length:
            raise ValueError("bencoded string runs past the end")
        try:
            return raw.decode(), colon + 1 + length
        except UnicodeDecodeError:
            return raw, colon + 1 + length
    raise ValueError(f"not bencode at byte {at}")


def ng_command(
    port: int, command: str, host: str = "127.0.0.1", timeout_s: float = TIMEOUT_S, **keys: Any
) -> dict[str, Any]:
    """Send one command to rtpengine's ng port; its reply, or NgError for an error or silence.
    Keys use rtpengine's spelling with `_` for `-` (call_id= is "call-id")."""
    message = {"command": command, **{key.replace("_", "-"): value for key, value in keys.items()}}
    cookie = secrets.token_hex(8).encode()
    try:
        data = udp_ask(
            host,
            port,
            cookie + b" " + bencode(message),
            timeout_s=timeout_s,
            is_reply=lambda data: data.partition(b" ")[0] == cookie,
        )
    except OSError as silence:  # a timeout, or the port refused (nothing listens)
        raise NgError(f"rtpengine did not answer {command!r} on port {port}") from silence
    body = data.partition(b" ")[2]
    reply = bdecode(body)
    if not isinstance(reply, dict) or reply.get("result") not in ("ok", "pong"):
        reason = reply.get("error-reason", reply) if isinstance(reply, dict) else reply
        raise NgError(f"rtpengine refused {command!r}: {reason}")
    return reply


def ng_calls(port: int, host: str = "127.0.0.1") -> list[str]:
    """The SIP Call-IDs of the calls rtpengine has open (NgError: it does not answer)."""
    reply = ng_command(port, "list", host=host, limit=LIST_LIMIT)
    return [call_id for call_id in reply.get("calls", []) if isinstance(call_id, str)]
