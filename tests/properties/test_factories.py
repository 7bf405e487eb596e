from decimal import Decimal

import pytest

from properties.domain.sites import submission_errors

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_site_factory_builds_a_complete_site():
    site = SiteFactory(units=[120, 80])
    assert site.units.count() == 2
    assert site.total_surface_m2 == Decimal("200")
    assert site.estimated_monthly_cost == Decimal("300")
    assert submission_errors(site) == {}
