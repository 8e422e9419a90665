from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from relance.web.views.auth import LoginView, PasswordResetView

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("imports/", include("relance.imports.urls")),
    path("dunning/", include("relance.dunning.urls")),
    path("delivery/", include("relance.delivery.urls")),
    path("outbox/", include("relance.delivery.urls_outbox")),
    path("legal/", include("relance.recovery.urls")),
    path("p/", include("relance.portal.urls")),
    path("worklist/", include("relance.insights.urls")),
    path("", include("relance.workspace.urls")),
]
