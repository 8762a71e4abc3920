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
