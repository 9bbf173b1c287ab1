"""Pages for completion and certificates: the organiser's programme page, the attendee's
certificates, the coordinator's print files and the public verification page."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.downloads import attachment
from common.forms import add_service_errors
from common.params import id_or_none, page_of, search_text
from common.ratelimit import over_limit
from common.redirects import back_to
from directory.access import organiser_required
from directory.models import PersonalDataExport
from directory.selectors import scope_for
from directory.services.exports_log import record_personal_data_export
from events.models import BridgePoint
from training import services as training_services
from training.models import Programme

from . import register, selectors
from .forms import (
    CertificateDesignForm,
    CompletionRuleForm,
    ReasonForm,
    ReissueForm,
    VerifyCodeForm,
    VerifyFileForm,
)
from .models import Certificate
from .services import collation as services
from .services import prints
from .services.handout import HandoutFormat, build_point_handout

PAGE_SIZE = 50


@organiser_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    q = search_text(request)
    programmes = selectors.programmes_for(request.user)
    if q:
        programmes = programmes.filter(Q(title__icontains=q) | Q(code__icontains=q))
    page = page_of(request, selectors.programme_overview(programmes), PAGE_SIZE)
    return render(request, "certificates/programme_list.html", {"page": page, "q": q})


def _programme_page(
    request: HttpRequest, programme: object, rule_form: object = None, design_form: object = None
) -> HttpResponse:
    state = request.GET.get("state", "")
    point_id = id_or_none(request.GET.get("point"))
    q = search_text(request)
    page = page_of(
        request, selectors.completions(programme, state=state, point_id=point_id, q=q), PAGE_SIZE
    )
    newest = selectors.certificates_by_person(programme, [row.person_id for row in page])
    collation = selectors.latest_collation(programme)
    dry_run = selectors.latest_dry_run(programme)
    summary = selectors.completion_summary(programme)
    context = {
        "programme": programme,
        "summary": summary,
        "guard": summary.guard,
        "dry_run": dry_run,
        "dry_progress": selectors.dry_run_progress(dry_run),
        "rule_form": rule_form or CompletionRuleForm(instance=programme, prefix="rule"),
        "design_form": design_form or CertificateDesignForm(instance=programme, prefix="design"),
        "rows": [(row, newest.get(row.person_id)) for row in page],
        "page": page,
        # A national programme has thousands of points: a picker asks for them as typed.
        "points_source": f"{reverse('events:pick_points')}?programme={programme.pk}",
        "point": selectors.programme_points(programme).filter(pk=point_id).first()
        if point_id
        else None,
        "state": state,
        "point_id": point_id,
        "q": q,
        "collation": collation,
        "progress": selectors.collation_progress(collation),
        "revoke_form": ReasonForm(),
    }
    return render(request, "certificates/programme_certificates.html", context)


def _here(programme: Programme) -> str:
    return reverse("certificates:programme_certificates", args=[programme.pk])


def _error_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@organiser_required
@require_GET
def programme_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Completion rule, certificate design, collation and everyone's state, in one page."""
    programme = selectors.get_programme_for(request.user, pk)
    return _programme_page(request, programme)


def _page_on_get(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A refused form shows the page again at the form's address, where the page's own
    links (`?page=2`, the filters) then ask by GET: those go to the page."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int) -> HttpResponse:
        if request.method == "GET":
            query = request.GET.urlencode()
            page = reverse("certificates:programme_certificates", args=[pk])
            return redirect(f"{page}?{query}" if query else page)
        return view(request, pk)

    return wrapper


@organiser_required
@require_http_methods(["GET", "POST"])
@_page_on_get
def programme_rule(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.user, pk)
    form = CompletionRuleForm(request.POST, instance=programme, prefix="rule")
    if form.is_valid():
        try:
            training_services.set_completion_rule(
                actor=request.user, programme=programme, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Completion rule saved."))
            return redirect(_here(programme))
    programme.refresh_from_db()
    return _programme_page(request, programme, rule_form=form)


@organiser_required
@require_http_methods(["GET", "POST"])
@_page_on_get
def programme_design(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.user, pk)
    form = CertificateDesignForm(request.POST, request.FILES, instance=programme, prefix="design")
    if form.is_valid():
        try:
            training_services.set_certificate_design(
                actor=request.user,
                programme=programme,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Certificate design saved; it applies to new certificates.")
            )
            return redirect(_here(programme))
    programme.refresh_from_db()
    return _programme_page(request, programme, design_form=form)


def _collation_point(request: HttpRequest, programme: Programme) -> BridgePoint | None:
    """The point chosen in the form, if any; one outside the programme does not exist."""
    point_id = id_or_none(request.POST.get("point"))
    if point_id is None:
        return None
    point = selectors.programme_points(programme).filter(pk=point_id).first()
    if point is None:
        raise Http404
    return point


@organiser_required
@require_POST
def programme_collate(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.user, pk)
    point = _collation_point(request, programme)
    try:
        services.start_collation(actor=request.user, programme=programme, point=point)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(
            request, _("Working out completion and issuing certificates: see the progress.")
        )
    return redirect(_here(programme))


@organiser_required
@require_POST
def programme_dry_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Count what would be issued and draw a sample, in the worker; nothing is numbered."""
    programme = selectors.get_programme_for(request.user, pk)
    point = _collation_point(request, programme)
    try:
        services.start_collation(actor=request.user, programme=programme, point=point, dry_run=True)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(
            request,
            _("Dry run started: nothing is numbered or issued. Its result appears below."),
        )
    return redirect(_here(programme))


@organiser_required
@require_POST
def programme_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the programme, then issue its certificates unless collation would be refused."""
    programme = selectors.get_programme_for(request.user, pk)
    point = _collation_point(request, programme)
    try:
        training_services.close_programme(actor=request.user, programme=programme)
        messages.success(request, _("The programme is closed."))
        if not services.collation_guard(programme, point=point).refused:
            services.start_collation(actor=request.user, programme=programme, point=point)
            messages.success(
                request, _("Working out completion and issuing certificates: see the progress.")
            )
    except ValidationError as error:
        _error_messages(request, error)
    return redirect(_here(programme))


# The page's forms used to post here with an `action`; old pages and clients still may.
PROGRAMME_ACTIONS: dict[str, Callable[..., HttpResponse]] = {
    "rule": programme_rule,
    "design": programme_design,
    "collate": programme_collate,
    "dry_run": programme_dry_run,
    "close": programme_close,
}


@organiser_required
@require_http_methods(["GET", "POST"])
def programme_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """The page's address: GET shows it; a POST goes to the view its `action` names."""
    if request.method == "GET":
        return programme_page(request, pk)
    view = PROGRAMME_ACTIONS.get(request.POST.get("action", ""))
    if view is None:
        raise Http404
    return view(request, pk)


@organiser_required
@require_GET
@never_cache
def collation_progress(request: HttpRequest, pk: int) -> JsonResponse:
    programme = selectors.get_programme_for(request.user, pk)
    return JsonResponse(selectors.collation_progress(selectors.latest_collation(programme)))


@organiser_required
@require_GET
@never_cache
def dry_run_progress(request: HttpRequest, pk: int) -> JsonResponse:
    programme = selectors.get_programme_for(request.user, pk)
    return JsonResponse(selectors.dry_run_progress(selectors.latest_dry_run(programme)))


@organiser_required
@require_GET
def dry_run_sample(request: HttpRequest, pk: int, collation_id: int) -> FileResponse:
    """A dry run's sample PDF, for those who manage the programme's certificates only."""
    programme = selectors.get_programme_for(request.user, pk)
    collation = selectors.get_sample_for(request.user, programme, collation_id)
    response = FileResponse(
        collation.sample.open("rb"),
        content_type="application/pdf",
        as_attachment=request.GET.get("download") == "1",
        filename=f"ban-xem-thu-{slugify(programme.code)}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@organiser_required
@require_GET
def register_export(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for(request.user, pk)
    record_personal_data_export(
        actor=request.user,
        kind=PersonalDataExport.Kind.CERTIFICATE_REGISTER,
        file_format="xlsx",
        rows=selectors.register(programme).count(),
        unit_id=programme.unit_id,
        programme_id=programme.pk,
        label=programme.title,
    )
    data = register.register_xlsx(programme, selectors.register(programme).iterator(2000))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"so-cap-giay-chung-nhan-{slugify(programme.code)}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@organiser_required
@require_POST
def certificate_revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = selectors.get_certificate_for(request.user, certificate_id)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the certificate is revoked."))
        services.revoke_certificate(
            actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
        )
    except PermissionDenied:
        raise
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Certificate %(serial)s revoked.") % {"serial": certificate.serial}
        )
    return back_to(request, _programme_url(certificate))


def _programme_url(certificate: Certificate) -> str:
    return reverse("certificates:programme_certificates", args=[certificate.programme_id])


@organiser_required
@require_http_methods(["GET", "POST"])
def certificate_reissue(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """A corrected version (a misspelt name): the old code then points to the new one."""
    certificate = selectors.get_certificate_for(request.user, certificate_id)
    if not scope_for(request.user).covers_unit(certificate.programme.unit):
        raise Http404
    if request.method == "POST":
        form = ReissueForm(request.POST)
        if form.is_valid():
            try:
                new = services.reissue_certificate(
                    actor=request.user, certificate=certificate, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Version %(version)d issued as %(serial)s.")
                    % {"version": new.version, "serial": new.serial},
                )
                return redirect(_programme_url(certificate))
    else:
        form = ReissueForm(
            initial={
                "full_name": certificate.person.full_name,
                "agency": certificate.snapshot.get("agency", ""),
            }
        )
    return render(
        request, "certificates/certificate_reissue.html", {"certificate": certificate, "form": form}
    )


@login_required
@require_GET
def certificate_file(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """The PDF, drawn again, for its holder, the programme's organisers or the point's
    coordinators; for anyone else it does not exist."""
    certificate = selectors.get_certificate_for(request.user, certificate_id)
    if certificate.rendered_at is None:
        raise Http404
    response = HttpResponse(services.certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        request.GET.get("download") == "1", f"giay-chung-nhan-{certificate.serial}.pdf"
    )
    return response


@login_required
@require_GET
def my_certificates(request: HttpRequest) -> HttpResponse:
    certificates = list(selectors.my_certificates(request.user))
    context = {
        "certificates": [
            (certificate, services.verify_url(certificate.code)) for certificate in certificates
        ],
        "shortfalls": selectors.my_shortfalls(request.user),
    }
    return render(request, "certificates/my_certificates.html", context)


@login_required
@require_GET
def point_certificates(request: HttpRequest, point_id: int) -> HttpResponse:
    point = selectors.get_point_for(request.user, point_id)
    point_prints = list(selectors.point_prints(point))
    return render(
        request,
        "certificates/point_certificates.html",
        {
            "point": point,
            "programmes": selectors.point_programmes(point),
            "prints": point_prints,
            "drawing": any(job.is_active for job in point_prints),
            "print_hours": prints.PRINT_HOURS,
        },
    )


@login_required
@require_POST
def point_print_request(request: HttpRequest, point_id: int, programme_id: int) -> HttpResponse:
    """Have a worker draw the point's certificates into one file; the page shows progress."""
    point = selectors.get_point_for(request.user, point_id)
    programme = selectors.point_programmes(point).filter(pk=programme_id).first()
    if programme is None:
        raise Http404
    try:
        prints.request_print(
            actor=request.user,
            point=point,
            programme=programme,
            file_format=request.POST.get("file_format", ""),
        )
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The file is being made; it appears below when it is ready."))
    return redirect("certificates:point_certificates", point_id=point.pk)


@login_required
@require_GET
def point_print_file(request: HttpRequest, point_id: int, print_id: int) -> FileResponse:
    job = selectors.get_print_for(request.user, point_id, print_id)
    stored = prints.print_file(job)
    if stored is None:
        raise Http404
    return FileResponse(
        stored,
        as_attachment=True,
        filename=f"{job.file.name.rsplit('/', 1)[-1].rsplit('-', 1)[0]}.{job.file_format}",
    )


@login_required
@require_GET
def point_certificates_file(
    request: HttpRequest, point_id: int, programme_id: int, file_format: HandoutFormat
) -> HttpResponse:
    """Every valid certificate of the point: one print-ready PDF, or a ZIP of the files."""
    point = selectors.get_point_for(request.user, point_id)
    certificates = list(selectors.printable_for(point, programme_id))
    if not certificates:
        raise Http404
    handout = build_point_handout(point=point, certificates=certificates, file_format=file_format)
    return attachment(handout.content, filename=handout.filename, content_type=handout.content_type)


# --- Public verification -------------------------------------------------------------------


def _over_rate(request: HttpRequest) -> bool:
    # Codes carry 100 random bits, so guessing is hopeless anyway; the limit keeps a
    # scraper from hammering the page.
    address = request.META.get("REMOTE_ADDR", "")
    return over_limit(f"verify:{address}", limit=settings.VERIFY_RATE_PER_MINUTE, window_seconds=60)


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "certificates/verify_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """Type a code from a paper certificate."""
    form = VerifyCodeForm(request.GET or None)
    if form.is_valid():
        code = services.normalise_code(form.cleaned_data["code"])
        return redirect("verify_certificate", code=code or "-")
    return render(request, "certificates/verify.html", {"lookup_form": form, "result": None})


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """What the QR code opens: the certificate's state, and a check of an uploaded PDF."""
    if _over_rate(request):
        return _too_many(request)
    result = services.verify(code)
    file_form, file_matches = VerifyFileForm(), None
    if request.method == "POST" and result.certificate is not None:
        file_form = VerifyFileForm(request.POST, request.FILES)
        if file_form.is_valid():
            file_matches = services.file_matches(
                result.certificate, file_form.cleaned_data["file"].read()
            )
    newest_url = reverse("verify_certificate", args=[result.newest.code]) if result.newest else ""
    context = {
        "result": result,
        "lookup_form": VerifyCodeForm(),
        "file_form": file_form,
        "file_matches": file_matches,
        "newest_url": newest_url,
    }
    status = 404 if result.state == "unknown" else 200
    return render(request, "certificates/verify.html", context, status=status)
