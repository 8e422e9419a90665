"""The delivery pages: the call list and a call's task page."""
from django.urls import path

from relance.delivery import views

app_name = "delivery"
urlpatterns = [
    path("calls/", views.call_list, name="calls"),
    path("calls/<int:pk>/", views.call_task, name="call"),
]
