"""A call's state conflicts with what is asked of it: no rule of the rulebook is at stake.

Ending a call that is no longer in progress, or the PBX reporting an answer for a call that no
longer rings, is not refused by a rule (a `PolicyRefusal` would name one wrongly): the answer
says the call's state instead. The API answers every such conflict the same way, once
(`hotline/api.py`: 409 `{"rule": "", "detail", "state"}`); the desk page shows the message.
Here, apart from the services, so the API, the CTI endpoints and the pages import it without
a cycle.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hotline.calls.models import Call


class CallConflict(Exception):
    """`message` is an English template marked for translation where it is written; `params`
    fill it, `state` (the call's) among them."""

    def __init__(self, call: "Call", message: str, params: Mapping[str, Any] | None = None):
        self.state = str(call.state)
        self.message = message
        self.params = {"state": self.state, **(params or {})}
        super().__init__(message % self.params)
