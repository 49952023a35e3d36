"""Cases over HTTP (`/api/v1/tickets`). Refusals answer 409 {"rule", "detail"}; bad input 422;
a ticket (or customer) the user may not see answers 404, exactly like one that does not exist.

The look-ups an API client opens a case with (customers, their sites and equipment, fault
categories) are registered first: ninja reads `/{ticket_id}` as any text, so `/customers`
must be matched before it."""

from ninja import Router

router = Router(tags=["tickets"])

# isort: off
from hotline.tickets.api import lookups  # noqa: E402, F401  (registers its operations)
from hotline.tickets.api import cases  # noqa: E402, F401

# isort: on
