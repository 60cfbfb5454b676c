from django.urls import path

from laborwatch.cases.views import actions, detail, inbox, intake, ledger, lists

app_name = "cases"
urlpatterns = [
    path("", lists.case_list_view, name="list"),
    path("inbox/", inbox.inbox_view, name="inbox"),
    path("inbox/read/", inbox.inbox_read, name="inbox_read"),
    path("new/", intake.case_new, name="new"),
    path("ledger/", ledger.ledger_open, name="ledger"),
    path("ledger/closed/", ledger.ledger_closed, name="ledger_closed"),
    path("<str:number>/", detail.case_detail, name="detail"),
    path("<str:number>/act/<slug:action>/", actions.case_action, name="action"),
    path("<str:number>/reveal-text/", detail.case_text_reveal_view, name="text_reveal"),
    path(
        "<str:number>/milestones/<int:pk>/done/",
        actions.milestone_done,
        name="milestone_done",
    ),
    path(
        "<str:number>/referrals/<int:pk>/acknowledge/",
        actions.referral_acknowledge_view,
        name="referral_acknowledge",
    ),
    path(
        "<str:number>/referrals/<int:pk>/reply/",
        actions.referral_reply_view,
        name="referral_reply",
    ),
]
