"""R22: two people acting on one request at the same moment never make two decisions, and no
agreement is lost. Real threads on real connections (transactional_db)."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connections

from navolging.accounts.models import User
from navolging.lib.testing import make_cast
from navolging.training import services
from navolging.training.models import Stage, TrainingEvent, TrainingRequest

from .helpers import proposed

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(*calls) -> list[object]:
    """Run each call in its own thread, released together; return what each raised or gave."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # reported back to the test, which decides
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _agree(pk: int, version: int, user: User):
    return lambda: services.view_record(
        training=TrainingRequest.objects.get(pk=pk), version=version, agrees=True, by=user
    )


def _retried(results, calls):
    """SQLite (tests only) may answer "database is locked" instead of waiting for the lock,
    as PostgreSQL does; the person then presses the button again."""
    for index, result in enumerate(results):
        if isinstance(result, OperationalError):
            try:
                results[index] = calls[index]()
            except Exception as error:
                results[index] = error
    return results


def test_head_trainer_and_as_agreeing_at_once_make_exactly_one_decision():
    cast = make_cast()
    training = proposed(cast)  # the manager proposed, so agrees
    calls = [
        _agree(training.pk, training.version, cast.trainer),
        _agree(training.pk, training.version, cast.as_adviser),
    ]
    raw = _at_once(*calls)
    results = _retried(raw, calls)
    # Either both are served in turn, or (SQLite) the first commit's mail delivery met the
    # lock: then the retry finds it decided already. Nothing else may go wrong.
    unexpected = [
        r
        for r in results
        if isinstance(r, Exception)
        and not (isinstance(r, services.TrainingError) and r.code == "not_now")
    ]
    assert not unexpected, results
    training.refresh_from_db()
    assert training.stage == Stage.DECIDED_YES
    assert TrainingEvent.objects.filter(request=training, action="decided").count() == 1
    assert training.views.filter(agrees=True).count() == 3


def test_two_advisers_agreeing_at_once_make_one_decision_and_one_conflict():
    cast = make_cast()
    second_as = User.objects.create_user("as2@example.org", name="Bert Adviseur", is_as=True)
    training = proposed(cast)
    services.view_record(training=training, version=training.version, agrees=True, by=cast.trainer)
    calls = [
        _agree(training.pk, training.version, cast.as_adviser),
        _agree(training.pk, training.version, second_as),
    ]
    raw = _at_once(*calls)
    results = _retried(raw, calls)
    refused = [r for r in results if isinstance(r, services.TrainingError)]
    assert len(refused) == 1 and refused[0].code in ("conflict", "not_now"), results
    training.refresh_from_db()
    assert training.stage == Stage.DECIDED_YES
    assert TrainingEvent.objects.filter(request=training, action="decided").count() == 1
