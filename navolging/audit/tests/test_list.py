from __future__ import annotations

from django.urls import reverse

from navolging.audit.services import audit_record


def test_the_log_shows_changes_as_old_to_new_and_facts_as_they_are(cast, client_as):
    audit_record(
        action="coaching.assign",
        actor=cast.office,
        obj=cast.team,
        changes={"coach": [None, "coach@example.org"], "reason": "Kent het team goed"},
    )
    page = client_as("office").get(reverse("audit:list")).content.decode()
    assert "– → coach@example.org" in page
    assert "Kent het team goed" in page  # a plain fact, not cut to its first two letters
    assert "K → e" not in page
