"""Refusals that name the rule of POLICIES.md they enforce."""

from collections.abc import Callable, Mapping
from typing import Any

RULE_IDS: frozenset[str] = frozenset(
    [f"A{n}" for n in range(1, 7)]
    + [f"B{n}" for n in range(1, 12)]
    + [f"C{n}" for n in range(1, 7)]
    + [f"D{n}" for n in range(1, 16)]
    + [f"E{n}" for n in range(1, 7)]
)


def check_rule_id(rule_id: str) -> str:
    """Return `rule_id` if POLICIES.md has it; a typo must fail loudly, not silently."""
    if rule_id not in RULE_IDS:
        raise ValueError(
            f"unknown rule id {rule_id!r}: POLICIES.md has A1-A6, B1-B11, C1-C6, D1-D15, E1-E6"
        )
    return rule_id


class PolicyRefusal(Exception):
    """An action refused by a rule.

    `message` is an English template with named placeholders (`%(name)s`), marked for
    translation where it is written; `params` fill it. The edge that shows the refusal
    translates the template into the user's language before filling it in.
    """

    def __init__(self, rule_id: str, message: str, params: Mapping[str, Any] | None = None):
        self.rule_id = check_rule_id(rule_id)
        self.message = message
        self.params: dict[str, Any] = dict(params or {})
        super().__init__(f"{rule_id}: {self.render()}")

    def render(self, translate: Callable[[str], str] = str) -> str:
        template = translate(self.message)
        return template % self.params if self.params else template

    def as_dict(self, translate: Callable[[str], str] = str) -> dict[str, str]:
        return {"rule": self.rule_id, "detail": self.render(translate)}
