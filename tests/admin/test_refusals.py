"""What staff see when the admin refuses them: a page in Chinese that says what is missing."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_staff_without_the_import_permission_are_told_in_chinese_what_they_lack(staff_user):
    client = Client()
    client.force_login(staff_user("reader", ("speeches.view_speech",)))
    response = client.get(reverse("admin:speeches_speech_import"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "没有权限" in page and "speeches.add_speech" in page
    assert "Forbidden" not in page
    assert f'href="{reverse("admin:index")}"' in page


def test_the_admin_is_titled_after_the_archive_and_its_index_leads_to_the_import(importer_client, staff_user):
    index = importer_client.get(reverse("admin:index")).content.decode()
    assert "讲话档案" in index and "Django" not in index
    assert f'href="{reverse("admin:speeches_speech_import")}"' in index
    # Staff who may not import are not shown the way there.
    reader = Client()
    reader.force_login(staff_user("reader", ("speeches.view_speech",)))
    assert reverse("admin:speeches_speech_import") not in reader.get(reverse("admin:index")).content.decode()
