from django.urls import path

from . import code_views, views

app_name = "voting"

urlpatterns = [
    path("<int:pk>/", views.contest_detail, name="contest"),
    path("<int:pk>/inscription/", views.prove_roll, name="prove_roll"),
    path("<int:pk>/voter/", views.cast, name="cast"),
    path("<int:pk>/auditer/", views.audit, name="audit"),
    path("<int:pk>/code/", code_views.code_vote, name="code_vote"),
    path("<int:pk>/code/voter/", code_views.cast_with_code, name="cast_with_code"),
    path("<int:pk>/code/auditer/", code_views.audit_with_code, name="audit_with_code"),
    path("<int:pk>/bulletins-audites.json", views.audited, name="audited"),
    path("<int:pk>/recu/<str:tracker>/", views.receipt, name="receipt"),
    path("<int:pk>/verifier/", views.check_receipt, name="check_receipt"),
    path("<int:pk>/record.json", views.record, name="record"),
    path("<int:pk>/profil.pb", views.profile_pb, name="profile_pb"),
    path("garant/", views.trustee_home, name="trustee_home"),
    path("garant/<int:trustee_pk>/", views.trustee_page, name="trustee_page"),
    path("garant/<int:trustee_pk>/tache.json", views.trustee_task_view, name="trustee_task"),
    path("garant/<int:trustee_pk>/reponse/", views.trustee_answer, name="trustee_answer"),
]
