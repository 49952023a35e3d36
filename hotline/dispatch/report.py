"""C5: the service report of a signed work order, as PDF, in the customer's language.

Rendered from the sealed order on demand: the signed content can't change (E6), so the same
PDF comes out every time, and the seal printed on it lets anyone check it.
"""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from hotline.core.seal import seal_payload, seal_verifies
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.services.provider import sealed_content


def seal_intact(order: WorkOrder) -> bool:
    """E6: the seal matches what was sealed, and the order as stored still says that.

    Holds after any faithful backup and restore, `dumpdata`/`loaddata` included."""
    if order.signed_at is None:
        return False
    current = seal_payload(
        sealed_content(order), order.signer_name, order.signed_at, order.signature_image
    )
    return seal_verifies(
        seal=order.signature_hash, sealed_payload=order.sealed_payload, current_payload=current
    )


def report_html(order: WorkOrder) -> str:
    customer = order.ticket.customer
    with translation.override(customer.language), timezone.override(customer.time_zone):
        return render_to_string(
            "dispatch/report.html",
            {
                "order": order,
                "copy": order.ticket_copy,
                "language": customer.language,
                "reports": list(order.reports.all()),
                "seal_intact": seal_intact(order),
            },
        )


def report_pdf(order: WorkOrder) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy import: only when a report is asked for

    pdf = HTML(string=report_html(order)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
