import pytest
from django.core.exceptions import ValidationError

from properties.forms import CapakeyListField


def test_capakey_field_reads_one_parcel_per_line_and_normalises():
    field = CapakeyListField()
    assert field.clean(" 21001a0123/00b004\n\n21004B0456/00_012\n21001A0123/00B004") == [
        "21001A0123/00B004",
        "21004B0456/00_012",
    ]


def test_capakey_field_shows_a_stored_list_one_per_line():
    assert CapakeyListField().prepare_value(["21001A0123/00B004", "21004B0456/00_012"]) == (
        "21001A0123/00B004\n21004B0456/00_012"
    )


def test_capakey_field_names_each_malformed_parcel():
    with pytest.raises(ValidationError) as error:
        CapakeyListField().clean("21001A0123/00B004\n2100A123\nlot 7")
    assert error.value.messages == [
        "“2100A123” is not a cadastral parcel number (CaPaKey) such as 21001A0123/00B004.",
        "“lot 7” is not a cadastral parcel number (CaPaKey) such as 21001A0123/00B004.",
    ]
