"""Estimated monthly cost of a site, from its economic model. Pure: no database access."""

from decimal import Decimal

ZERO = Decimal("0")


def estimated_monthly_cost(
    *,
    model_code: str | None,
    fee: Decimal | None,
    surface_m2: Decimal,
    charges: Decimal | None,
) -> Decimal | None:
    """What an occupant of the whole site should expect to pay per month, charges included.

    None when it cannot be known in advance: no model yet, or a fee per person.
    """
    charges = charges or ZERO
    if model_code in ("free", "management"):
        return ZERO
    if model_code == "charges_only":
        return charges
    if model_code == "fee_per_m2" and fee is not None:
        return (fee * surface_m2 + charges).quantize(Decimal("0.01"))
    if model_code == "all_in" and fee is not None:
        return fee
    return None
