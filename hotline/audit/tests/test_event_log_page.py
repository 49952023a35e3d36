"""The event log shows each event's time in the centre's time zone (it showed UTC while the
rest of the pages showed Sofia time); the API keeps explicit offsets."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from hotline.audit.services import event_append

pytestmark = pytest.mark.django_db


def test_the_event_log_reads_in_sofia_time(client, in_english):
    at = datetime(2026, 11, 23, 8, 0, 5, tzinfo=UTC)  # 10:00:05 in Sofia (UTC+2 in November)
    event_append(actor=in_english["lead"], now=at, entity="calls.agent", entity_id=1, action="walk")
    client.force_login(in_english["manager"])
    page = client.get(reverse("audit:list")).content.decode()
    assert "2026-11-23 10:00:05" in page
    assert "2026-11-23 08:00:05" not in page


def test_summer_time_moves_with_the_date(client, in_english):
    at = datetime(2026, 7, 1, 8, 0, 5, tzinfo=UTC)  # 11:00:05 in Sofia (UTC+3 in July)
    event_append(actor=None, now=at, entity="calls.agent", entity_id=1, action="walk")
    client.force_login(in_english["manager"])
    assert "2026-07-01 11:00:05" in client.get(reverse("audit:list")).content.decode()
