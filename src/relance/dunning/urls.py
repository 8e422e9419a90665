from django.urls import path

from relance.dunning import views

app_name = "dunning"
urlpatterns = [
    path("", views.home, name="home"),
    path("run/", views.run_now, name="run"),
    path("calendar/", views.calendar, name="calendar"),
    path("review/", views.review, name="review"),
    path("actions/", views.action_log, name="actions"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/approve/", views.approve, name="approve"),
    path("actions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("scenarios/", views.scenarios, name="scenarios"),
    path("steps/<int:pk>/templates/", views.step_templates, name="step_templates"),
    path("steps/<int:pk>/templates/preview/", views.step_template_preview,
         name="step_template_preview"),
    path("steps/<int:pk>/templates/reset/", views.reset_step_template,
         name="reset_step_template"),
]
