"""D12 follow-up calls: which completed work orders get one, and what a result must hold.

The sample is decided by a hash of the order's id, not a random draw: the same order gets the
same answer on every run and every worker (reproducible), and the hash spreads ids evenly over
[0, 1), so the share of orders with a point under the rate is the rate (fair). No order can be
steered into or out of the sample by when or by whom it was planned.
"""

import hashlib
from math import sqrt

from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal

SALT = "hotline-d12-followup"
SCORES = range(1, 6)  # the customer's satisfaction, 1 (very unhappy) to 5 (very happy)


def sample_point(order_id: int) -> float:
    """A fixed point in [0, 1) for the order: the first 8 bytes of SHA-256 as a fraction."""
    digest = hashlib.sha256(f"{SALT}:{order_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def followup_selected(order_id: int, share_percent: int) -> bool:
    """D12: is this order in the follow-up sample at this share (0-100 %)?"""
    if not 0 <= share_percent <= 100:
        raise ValueError(f"share out of range: {share_percent}")
    return sample_point(order_id) * 100 < share_percent


def sampling_bound(share_percent: int, orders: int, sigmas: float = 4.0) -> float:
    """How far the observed rate may stray from the share over `orders` orders (binomial)."""
    p = share_percent / 100
    return sigmas * sqrt(p * (1 - p) / orders)


def check_result(score: int | None, reason: str) -> str:
    """C6 / D12: a follow-up result is a score of 1-5 and the customer's reason in words."""
    if score not in SCORES:
        raise PolicyRefusal("D12", gettext_noop("Give a satisfaction score from 1 to 5."))
    text = (reason or "").strip()
    if not text:
        raise PolicyRefusal("D12", gettext_noop("Write the customer's reason for the score."))
    return text
