"""Evidence uploads: a size limit and a type list the center sets in the admin, a clear message when a
file is refused, and the stored file's size and SHA-256 kept and shown."""
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints.models import Attachment, EvidenceSettings
from tests.api.conftest import user_client
from tests.complaints import journeys

pytestmark = pytest.mark.django_db
RECEIPT = b"\xff\xd8\xff\xe0" + "白沙某美容店预付卡收据".encode() * 40


def _page_upload(org, case, name, content):
    client = Client()
    client.force_login(org.handler)
    return client.post(f"/cases/{case.number}/evidence/",
                       {"file": SimpleUploadedFile(name, content), "description": "收据照片"}, follow=True)


def test_an_oversized_upload_is_refused_with_a_clear_message(org):
    rules = EvidenceSettings.current()
    rules.max_size_mb = 1
    rules.save()
    case = journeys.to_handling(org)
    page = _page_upload(org, case, "录像.mp4", b"\x00" * (1024 * 1024 + 1)).content.decode()
    assert "文件过大：单个证据文件不得超过 1 MB" in page
    assert not Attachment.objects.filter(case=case).exists()
    # Over the API the same rule answers 400 naming the field.
    response = user_client(org.handler).post(
        f"/api/v1/cases/{case.number}/evidence/",
        {"file": SimpleUploadedFile("录像.mp4", b"\x00" * (1024 * 1024 + 1))}, format="multipart")
    assert response.status_code == 400 and "文件过大" in str(response.json())


def test_a_type_off_the_list_is_refused(org):
    case = journeys.to_handling(org)
    page = _page_upload(org, case, "退款说明.exe", b"MZ\x90\x00").content.decode()
    assert "不支持的文件类型“exe”" in page and "pdf" in page
    rules = EvidenceSettings.current()
    rules.allowed_extensions = "pdf, EXE"
    rules.save()
    _page_upload(org, case, "退款说明.exe", b"MZ\x90\x00")
    assert Attachment.objects.filter(case=case).count() == 1


def test_the_stored_files_size_and_sha256_are_kept_and_shown(org):
    case = journeys.to_handling(org)
    page = _page_upload(org, case, "receipt.jpg", RECEIPT).content.decode()
    attachment = Attachment.objects.get(case=case)
    assert attachment.size == len(RECEIPT) and attachment.sha256 == hashlib.sha256(RECEIPT).hexdigest()
    assert attachment.sha256 in page
    with attachment.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == attachment.sha256
    listed = user_client(org.handler).get(f"/api/v1/cases/{case.number}/evidence/").json()
    assert listed[0]["sha256"] == attachment.sha256 and listed[0]["size"] == len(RECEIPT)
