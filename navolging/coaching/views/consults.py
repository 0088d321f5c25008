"""Scaffold: replaced by the real views."""

from navolging.lib.access import login_required


@login_required
def consult_request(request, pk=None):
    raise NotImplementedError


@login_required
def consult_detail(request, pk=None):
    raise NotImplementedError


@login_required
def consult_time(request, pk=None):
    raise NotImplementedError


@login_required
def consult_accept(request, pk=None):
    raise NotImplementedError


@login_required
def consult_another_time(request, pk=None):
    raise NotImplementedError


@login_required
def consult_decline(request, pk=None):
    raise NotImplementedError


@login_required
def consult_close(request, pk=None):
    raise NotImplementedError


@login_required
def consult_withdraw(request, pk=None):
    raise NotImplementedError


@login_required
def coach_consults(request, pk=None):
    raise NotImplementedError
