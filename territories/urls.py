"""Residents' address pages, under /compte/ next to their profile."""

from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("adresse/", views.residence, name="address"),
    path("adresse/communes.json", views.communes, name="communes"),
]
