"""People the reference centre lacks but some tests need."""

from hotline.accounts.choices import Role
from hotline.accounts.models import Team, User


def installations_lead(username: str = "lead2") -> User:
    """A team lead of Installations: the reference centre has one lead only, for Repairs, and
    the walks of team-scoped rules (B10, D14, B11) need a lead of the other team."""
    return User.objects.create(
        username=username,
        role=Role.TEAM_LEAD,
        first_name="Ivan",
        last_name="Ivanov",
        team=Team.objects.get(name="Installations"),
        language="en",
    )
