"""The worker's part of call history (issue 20): a checked CDR file of up to 200 MB is imported
by `hotline worker`, not in the admin's request, which would wait minutes for the largest."""

from django_tasks import task

from hotline import clock
from hotline.accounts.models import User


@task()
def history_import_task(pending: dict[str, str], actor_id: int) -> dict[str, int]:
    """Import the checked file `pending` names (see history_page), then delete it."""
    from hotline.imports.history_page import pending_path, run_history

    path = pending_path(pending["token"])
    try:
        outcome = run_history(
            path, pending, actor=User.objects.get(pk=actor_id), now=clock.now(), dry_run=False
        )
    finally:
        path.unlink(missing_ok=True)
    return {
        "created": outcome.created,
        "unchanged": outcome.unchanged,
        "errors": len(outcome.errors) + outcome.more_errors,
    }
