"""Scaffold: replaced by the real views."""

from navolging.lib.access import login_required


@login_required
def mine(request, pk=None):
    raise NotImplementedError


@login_required
def team_detail(request, pk=None):
    raise NotImplementedError


@login_required
def visit_plan(request, pk=None):
    raise NotImplementedError


@login_required
def visit_detail(request, pk=None):
    raise NotImplementedError


@login_required
def visit_edit(request, pk=None):
    raise NotImplementedError


@login_required
def visit_cancel(request, pk=None):
    raise NotImplementedError


@login_required
def visit_reflect(request, pk=None):
    raise NotImplementedError


@login_required
def coach_home(request, pk=None):
    raise NotImplementedError
