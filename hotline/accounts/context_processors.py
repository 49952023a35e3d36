from django.http import HttpRequest

from hotline.accounts.navigation import menu_entries_for, menu_for


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "menu_entries": []}
    return {"menu": menu_for(user.role), "menu_entries": menu_entries_for(user.role)}
