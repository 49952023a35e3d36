"""A queue as the setup page makes it (issue 20): a line customers call into, answered by one
team. Admins only, checked, audited."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hotline.accounts.centre import require_admin
from hotline.accounts.models import Team, User
from hotline.audit.services import event_append
from hotline.calls.events import CallsEntity, QueueAction
from hotline.calls.models import Queue

CODE_MAX, NAME_MAX = 30, 100  # Queue.code, Queue.name


def queue_create(*, actor: User, now: datetime, code: str, name: str, team: Team) -> Queue:
    """A new queue; its code is what the PBX and the rulebook's per-queue numbers name it by."""
    require_admin(actor)
    code, name = code.strip(), name.strip()
    if not code or len(code) > CODE_MAX or slugify(code) != code:
        raise ValidationError(
            _("A code is 1 to %(max)d small letters, digits or dashes, such as “repairs”.")
            % {"max": CODE_MAX}
        )
    if not name or len(name) > NAME_MAX:
        raise ValidationError(_("A name is at most %(max)d characters.") % {"max": NAME_MAX})
    if Queue.objects.filter(code=code).exists():
        raise ValidationError(_("“%(name)s” exists already.") % {"name": code})
    with transaction.atomic():
        queue = Queue.objects.create(code=code, name=name, team=team)
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.QUEUE,
            entity_id=queue.pk,
            action=QueueAction.CREATED,
            new={"code": code, "name": name, "team": team.name},
        )
    return queue
