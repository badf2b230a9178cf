from django.urls import path

from panah.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("language/", views.set_language, name="language"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.users, name="users"),
    path("users/<int:user_id>/", views.user_detail, name="user_detail"),
    path("role-assignments/<int:assignment_id>/revoke/", views.assignment_revoke, name="assignment_revoke"),
]
