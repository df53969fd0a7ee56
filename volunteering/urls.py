"""The volunteering workspace, under /mon-benevolat/: residents' offers, associations' missions and offers received."""

from django.urls import path

from . import assisted_views, views

app_name = "volunteering"
urlpatterns = [
    path("", views.space, name="space"),
    path("associations/inscrire/", views.register_association, name="register"),
    path("associations/<int:pk>/", views.association_workspace, name="association"),
    path("associations/<int:pk>/modifier/", views.edit_association, name="edit_association"),
    path("associations/<int:pk>/missions/nouvelle/", views.post_mission, name="post_mission"),
    path("associations/<int:pk>/representants/", views.add_representative, name="add_representative"),
    path("missions/<int:pk>/modifier/", views.edit_mission, name="edit_mission"),
    path("offres/<int:pk>/accepter/", views.accept_offer, name="accept_offer"),
    path("offres/<int:pk>/refuser/", views.decline_offer, name="decline_offer"),
    path("offres/<int:pk>/retirer/", views.withdraw_offer, name="withdraw_offer"),
    path("aide/missions/<int:pk>/", assisted_views.prepare_offer, name="assisted_offer"),
    path("aide/confirmer/<int:request_id>/", assisted_views.confirm_offer, name="confirm_assisted_offer"),
]
