from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hotline.accounts.views import signed_in
from hotline.home.selectors import home_context


def home(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    return render(request, f"home/home_{user.role}.html", home_context(user))
