from django.urls import path

from hotline.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.rosters, name="rosters"),
    path("generate/", views.generate, name="generate"),
    path("rosters/<int:roster_id>/", views.roster, name="roster"),
    path("rosters/<int:roster_id>/publish/", views.publish, name="publish"),
    path("rosters/<int:roster_id>/staffing/", views.staffing, name="staffing"),
    path("shifts/<int:shift_id>/", views.edit_shift, name="shift_edit"),
    path("leave/", views.leave, name="leave"),
    path("leave/ask/", views.leave_ask, name="leave_ask"),
    path("leave/<int:leave_id>/decide/", views.leave_decision, name="leave_decide"),
    path("adherence/", views.adherence, name="adherence"),
]
