from django.urls import path

from relance.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.worklist_page, name="worklist"),
]
