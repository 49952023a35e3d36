"""Dispatch test fixtures; the cases they start from are shared (hotline.testing.cases)."""

from datetime import datetime

import pytest

from hotline.testing.cases import make_ticket
from hotline.tickets.models import Ticket


@pytest.fixture
def ticket(centre, now: datetime) -> Ticket:
    """A ticket of agent1's waiting for dispatch, made at `now`."""
    return make_ticket(centre["agent1"], now)
