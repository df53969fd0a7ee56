"""The notification centre and push subscription, under /notifications/."""

from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("<int:pk>/ouvrir/", views.open_notification, name="open"),
    path("<int:pk>/lu/", views.mark_read, name="mark_read"),
    path("tout-lu/", views.mark_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("push/abonnement/", views.subscribe, name="subscribe"),
    path("push/retirer/", views.withdraw, name="withdraw"),
    path("push/plus-tard/", views.dismiss, name="dismiss"),
]
