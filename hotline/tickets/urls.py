from django.urls import path

from hotline.tickets import views

app_name = "tickets"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.new_ticket, name="new"),
    path("<int:ticket_id>/", views.detail, name="detail"),
    path("<int:ticket_id>/hints/", views.hints, name="hints"),
    path("call/<int:call_id>/link/", views.link_call, name="link_call"),
    path("<int:ticket_id>/act/", views.act, name="act"),
    path("<int:ticket_id>/chase/", views.chase, name="chase"),
    path("<int:ticket_id>/reassign/", views.reassign, name="reassign"),
    path("approvals/", views.approvals, name="approvals"),
    path("<int:ticket_id>/approve/", views.approve, name="approve"),
    path("complaints/", views.complaints, name="complaints"),
    path("<int:ticket_id>/complaint/hand/", views.complaint_hand, name="complaint_hand"),
    path("<int:ticket_id>/complaint/answer/", views.complaint_reply, name="complaint_answer"),
    path("incidents/", views.incidents, name="incidents"),
    path("<int:ticket_id>/incident/decide/", views.incident_decision, name="incident_decide"),
    path("<int:ticket_id>/incident/report/", views.incident_report, name="incident_report"),
]
