"""A resident's own pages, under /compte/ next to allauth's (login, sign-up, password)."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("profil/mes-donnees.json", views.export_data, name="export"),
    path("profil/supprimer/", views.delete_account, name="delete"),
]
