"""Scaffold: replaced by the real views."""

from navolging.lib.access import login_required


@login_required
def overview(request, pk=None):
    raise NotImplementedError


@login_required
def assign(request, pk=None):
    raise NotImplementedError


@login_required
def coach_edit(request, pk=None):
    raise NotImplementedError


@login_required
def consult_figures(request, pk=None):
    raise NotImplementedError


@login_required
def settings_edit(request, pk=None):
    raise NotImplementedError
