from django.urls import path

from . import views

app_name = "voting"

urlpatterns = [
    path("<int:pk>/", views.contest_detail, name="contest"),
    path("<int:pk>/inscription/", views.prove_roll, name="prove_roll"),
    path("<int:pk>/confirmer/", views.confirm, name="confirm"),
    path("<int:pk>/voter/", views.cast, name="cast"),
    path("<int:pk>/recu/<str:tracker>/", views.receipt, name="receipt"),
    path("<int:pk>/verifier/", views.check_receipt, name="check_receipt"),
    path("<int:pk>/record.json", views.record, name="record"),
    path("garant/", views.trustee_home, name="trustee_home"),
    path("garant/<int:trustee_pk>/cle/", views.download_share, name="download_share"),
    path("garant/<int:trustee_pk>/depot/", views.upload_share, name="upload_share"),
]
