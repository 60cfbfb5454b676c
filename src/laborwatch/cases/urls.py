from django.urls import path

from laborwatch.cases import (
    views,
    views_actions,
    views_detail,
    views_inbox,
    views_intake,
    views_ledger,
)

app_name = "cases"
urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("inbox/", views_inbox.inbox_view, name="inbox"),
    path("inbox/read/", views_inbox.inbox_read, name="inbox_read"),
    path("new/", views_intake.case_new, name="new"),
    path("ledger/", views_ledger.ledger_open, name="ledger"),
    path("ledger/closed/", views_ledger.ledger_closed, name="ledger_closed"),
    path("<str:number>/", views_detail.case_detail, name="detail"),
    path("<str:number>/act/<slug:action>/", views_actions.case_action, name="action"),
    path(
        "<str:number>/milestones/<int:pk>/done/",
        views_actions.milestone_done,
        name="milestone_done",
    ),
    path(
        "<str:number>/referrals/<int:pk>/acknowledge/",
        views_actions.referral_acknowledge_view,
        name="referral_acknowledge",
    ),
    path(
        "<str:number>/referrals/<int:pk>/reply/",
        views_actions.referral_reply_view,
        name="referral_reply",
    ),
]
