"""Reads of the accounts' own rows (users, API tokens), scoped by the acting user."""

from django.db.models import QuerySet

from hotline.accounts.choices import Role
from hotline.accounts.models import ApiToken, User


def agents_for(user: User | None) -> list[User]:
    """The agents a user reports on or reads the reviews of: a team lead their own team's, the
    manager and admins every agent (reports D7, D15; quality reviews B11)."""
    agents = User.objects.filter(role=Role.AGENT, is_active=True).order_by("username")
    if user is not None and user.role == Role.TEAM_LEAD:
        agents = agents.filter(team_id=user.team_id or 0)  # no team: nobody
    return list(agents)


def tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    """One's own API tokens; an admin's, everyone's. Newest first."""
    found = ApiToken.objects.select_related("user")
    if user.role != Role.ADMIN:
        found = found.filter(user=user)
    return found.order_by("-created_at", "-id")
