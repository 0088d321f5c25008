# Placeholder: the HR import views are being written.
from django.http import Http404

from navolging.lib.access import programme_office_required


@programme_office_required
def upload(request):
    raise Http404


mapping = preview = apply = upload
