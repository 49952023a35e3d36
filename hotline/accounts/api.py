from django.http import HttpRequest
from ninja import Router, Schema

from hotline.accounts.views import signed_in

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    team: str | None
    provider_id: int | None
    customer_id: int | None
    language: str


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> MeOut:
    user = signed_in(request)
    return MeOut(
        username=user.username,
        full_name=user.get_full_name(),
        role=user.role,
        team=user.team.name if user.team else None,
        provider_id=user.provider_id,
        customer_id=user.customer_id,
        language=user.language,
    )
