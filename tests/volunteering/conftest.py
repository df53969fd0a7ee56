"""Fixtures shared by the volunteering tests: an approved association and its first representative."""

import pytest

from .factories import make_association


@pytest.fixture
def association():
    return make_association("Entente sportive")


@pytest.fixture
def representative(association):
    return association.representatives.get().user
