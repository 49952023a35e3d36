from django.urls import path

from hotline.calls import desk_views, views, wallboard_views

app_name = "calls"
urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/panel/", views.desk_panel, name="desk_panel"),
    path("desk/action/", views.desk_action, name="desk_action"),
    path("desk/calls/<int:call_id>/wrap-up/", desk_views.wrap_up, name="wrap_up"),
    path("wallboard/", wallboard_views.wallboard_page, name="wallboard"),
    path("wallboard/panel/", wallboard_views.wallboard_panel, name="wallboard_panel"),
    path(
        "wallboard/alerts/<int:alert_id>/acknowledge/",
        wallboard_views.wallboard_acknowledge,
        name="wallboard_acknowledge",
    ),
    path("stream/", views.stream, name="stream"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/mine/", views.my_reviews, name="my_reviews"),
    path("reviews/<int:review_id>/", views.review_detail, name="review"),
    path("reviews/call/<int:call_id>/", views.review_call, name="review_call"),
]
