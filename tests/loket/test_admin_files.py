"""The admin's private file input: the stored file links to the URL its form gives, never to
the storage; a new upload that failed is not called the current file."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from loket.admin_files import PrivateFilesForm, PrivateFileWidget
from properties.models import SiteDocument

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


class DocumentForm(PrivateFilesForm):
    file_urls = {"file": lambda document: f"/checked/{document.pk}/"}

    class Meta:
        model = SiteDocument
        fields = ["title", "file"]


@pytest.fixture
def document():
    return SiteDocument.objects.create(
        site=SiteFactory(), title="Plan", file=ContentFile(PDF, name="plan.pdf")
    )


def test_private_file_input_links_the_stored_file_to_the_forms_url(document):
    html = str(DocumentForm(instance=document)["file"])

    name = document.file.name.rsplit("/", 1)[-1]  # plan.pdf, or plan_<random>.pdf if taken
    assert html == (
        f'<p class="file-upload">Currently: <a href="/checked/{document.pk}/">{name}</a><br>\n'
        'Change:\n<input type="file" name="file" id="id_file"></p>'
    )


def test_private_file_input_of_a_new_record_or_a_failed_upload_shows_no_current_file():
    new = DocumentForm()
    failed = DocumentForm(
        data={"title": "Plan"}, files={"file": SimpleUploadedFile("x.pdf", b"not stored")}
    )

    assert str(new["file"]) == '<input type="file" name="file" required id="id_file">'
    assert str(failed["file"]) == '<input type="file" name="file" required id="id_file">'


def test_private_file_input_without_a_url_fails_instead_of_linking_anywhere(document):
    with pytest.raises(ValueError) as raised:
        PrivateFileWidget().render("file", document.file)

    assert str(raised.value) == (
        f"No view URL for “{document.file.name}”: set it in the form's file_urls."
    )
