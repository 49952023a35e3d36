"""E6: the seal of a signed work order, and how it survives a backup and restore.

The seal is a SHA-256 over one canonical text: the signed content, the signer, the moment and
the drawn image. That text is stored next to the seal, so the seal can always be recomputed
from exactly what was sealed. Whether the order still says what was sealed is a second check:
the stored text against the order as it is now, compared at millisecond precision, because a
faithful copy made with Django's `dumpdata`/`loaddata` keeps times only to the millisecond.
New seals are made over times already cut to the millisecond, so they survive that copy even
without the stored text; seals made before keep verifying through the stored text.
"""

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime

from hotline.core.timeutil import as_utc

# An ISO 8601 moment with its zone, as `datetime.isoformat()` writes it.
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:\d{2}|Z)$")


def ms_iso(moment: datetime | None) -> str | None:
    """A moment in UTC, to the millisecond: what survives every faithful copy of the data."""
    if moment is None:
        return None
    moment = as_utc(moment)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat(
        timespec="milliseconds"
    )


def _canonical(payload: object) -> str:
    return json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)


def seal_payload(order: Mapping[str, object], signer: str, signed_at: datetime, image: str) -> str:
    """The canonical text the seal is made over."""
    return _canonical({"order": order, "signer": signer, "at": ms_iso(signed_at), "image": image})


def seal_of(payload: str) -> str:
    return hashlib.sha256(payload.encode()).hexdigest()


def signature_seal(
    order: Mapping[str, object], signer: str, signed_at: datetime, image: str
) -> str:
    """E6: a SHA-256 over what was signed, so any later change to the order shows."""
    return seal_of(seal_payload(order, signer, signed_at, image))


def _to_millisecond(value: object) -> object:
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        return ms_iso(datetime.fromisoformat(value))
    if isinstance(value, list):
        return [_to_millisecond(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_millisecond(v) for k, v in value.items()}
    return value


def at_millisecond(payload: str) -> str:
    """The canonical text with every moment in it written in UTC to the millisecond."""
    return _canonical(_to_millisecond(json.loads(payload)))


def seal_verifies(*, seal: str, sealed_payload: str, current_payload: str) -> bool:
    """E6: the seal matches what was sealed, and the order still says what was sealed.

    `sealed_payload` is the text stored at signing (empty for a seal from before it was kept:
    then the order as it is now must give the seal by itself)."""
    sealed = sealed_payload or current_payload
    return seal_of(sealed) == seal and at_millisecond(sealed) == at_millisecond(current_payload)
