from django.urls import path

from laborwatch.opinion.views import actions, detail, lists, notices

app_name = "opinion"
urlpatterns = [
    path("", lists.event_list_view, name="list"),
    path("notices/read/", notices.notices_read, name="notices_read"),
    path("<int:pk>/", detail.event_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", actions.event_action, name="action"),
    path("<int:pk>/posts/<int:post_pk>/reveal/", actions.post_reveal_view, name="post_reveal"),
]
