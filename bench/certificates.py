"""Certificates for a national session: 300,000 issued in one collation, and their PDFs.

The data is one session, closed yesterday, at all 3,356 bridge points, with 300,000 people
on its rosters (`bench.data`), every one of them checked in between 20 minutes before the
start and 10 minutes after it (within the 15 minutes' grace) and never checked out, so
present 170 to 180 of the session's 180 minutes. The programme's rule asks for every
session, 60 minutes present and arrival on time: all 300,000 complete. Its certificates
name a signer, a place and carry a stamp and a signature (PNG files with transparency, in
a temporary MEDIA_ROOT). No PDF is stored: a certificate keeps its snapshot and the SHA-256
of its drawing, and is drawn again, to the same bytes, when it is asked for.

certificates_issue_seconds: `run_collation` on a new collation of the programme, from no
completions and no certificates, in a process of its own (a worker's, whose peak memory is
measured below): working out and storing 300,000 completions streamed in chunks of
COMPLETION_CHUNK people, then issuing 300,000 certificates in transactions of 2,000, each
taking the serial and register counters under a row lock. Handing the certificates to the
render workers is part of it (the query listing the unrendered ones), but the 1,500 render
tasks are counted, not sent to the broker: rendering is measured on its own below. The run
fails unless it leaves 300,000 completions and 300,000 certificates with serials and
register numbers 1 to 300,000, no gap and no repeat. The baseline is a plain
`Certificate.objects.bulk_create` of the same 300,000 rows (every column as the collation
wrote it, built in Python beforehand, untimed) in one transaction, batch 2,000, into the
emptied table; ratio = baseline / value. The two sides alternate, ISSUE_REPEATS times each
(once: a collation takes minutes), the tables emptied before each; figures use the median.
Each collation prints where its time went: the steps of run_collation (each wrapped in a
timer; working out completion happens inside record_completions, which consumes it as a
stream) and the time spent inside SQL statements, the client's quoting of parameters
included.
certificates_issue_per_second: certificates issued a second by the collation; the baseline
is the bulk insert's rows a second, ratio = value / baseline.

certificates_render_per_second: pages a second of `render_pages` in this process, on one
core, over `page_for` pages of issued certificates in chunks of RENDER_CHUNK (200) as a
render task does: one document per chunk, split into one PDF per certificate. The database
is not touched while timed. The baseline is `empty_page()` (an empty one-page PDF from the
same library, fpdf2) a second in the same run; ratio = value / baseline. The two alternate,
RENDER_ROUNDS rounds of RENDER_PAGES certificates (different ones each round) and of
EMPTY_PAGES empty pages, after a chunk of each as warm-up; the figures use the median round.
certificates_render_ratio: that ratio as a figure of its own; the baseline is the ratio at
which one core would render exactly the aim (200 a second) on this machine, i.e.
200 / the empty pages a second, so a ratio of 1 or more meets the aim.
certificates_render_store_per_second: certificates a second through the whole render task,
`render_certificates(ids)` in chunks of 200: read the rows, render them, then in one short
transaction lock the rows still unrendered, record each file's hash (the file itself is
dropped), update the rows and queue each person's notice (the tick that would send the
notices is not started). The run fails unless every certificate has its hash and its
notice, and REDRAWN of them, each drawn again on its own as a download draws it, give the
bytes of that hash. The baseline is render_per_second, so the ratio is the share of the
rendering rate left once recording is added.

certificates_storage_bytes_per_cert: what the database holds per certificate once issued
and hashed: the certificate table's total size (rows, TOAST, every index;
pg_total_relation_size after a VACUUM) over its 300,000 rows. The mean snapshot
(pg_column_size) is printed beside it. The baseline is what each certificate cost when its
PDF was stored as well: the same plus the mean size of the PDFs drawn while rendering was
measured; ratio = baseline / value.

certificates_collation_peak_mib: the peak resident memory (getrusage's ru_maxrss, which
counts the interpreter, Django and the imports too) of the process that ran the timed
collation of 300,000 above. The baseline is the peak of a process of the same kind that
only reads the programme's 300,000 completions into one list of model instances, as the
collation held them before it streamed them; ratio = baseline / value. The aim is under
300 MiB.
"""

import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import fpdf
import pypdf
from django.db import DatabaseError, connection, transaction
from django.test.utils import override_settings
from PIL import Image, ImageDraw

from attendance.models import Attendance
from bench import Figure
from bench.data import (
    POINTS,
    ROSTER_SIZE,
    check_everyone_in,
    execute,
    national_session,
    settle,
    table,
)
from certificates import pdf as certificate_pdf
from certificates.models import Certificate, CertificateCounter, Collation, Completion
from certificates.notices import CERTIFICATE_READY
from certificates.services import collation as service
from events.models import Notice, RosterEntry, Session
from training.models import Programme
from training.services import set_completion_rule

# One round: a collation takes about two minutes on a 2-core machine, its bulk insert one.
ISSUE_REPEATS = 1
BULK_BATCH_SIZE = 2000
RENDER_CHUNK = service.RENDER_CHUNK
RENDER_ROUNDS = 5
RENDER_PAGES = 1000  # a round: 5 chunks of 200, different certificates each round
EMPTY_PAGES = 5000  # a round of the baseline: about a second
STORE_PAGES = 1000
REDRAWN = 50  # certificates of those hashed, each drawn again on its own and compared
AIM_ISSUE_SECONDS, AIM_RENDER_PER_SECOND, AIM_PEAK_MIB = 60.0, 200.0, 300.0
MIN_MINUTES = 60
# What run_collation calls, timed one by one for the breakdown printed after each run.
STAGES = (
    "record_completions",
    "_due_people",
    "_snapshot_base",
    "_issue",
    "_update",
    "dispatch_rendering",
)
# Every column the collation writes, copied as it is for the baseline's rows.
COLUMNS = tuple(
    field.attname for field in Certificate._meta.concrete_fields if not field.primary_key
)


# -- Data ------------------------------------------------------------------------------------


def stamp_and_signature(media: Path) -> tuple[str, str]:
    """A red round stamp and a blue signature, PNG with transparency, as organisers upload."""
    stamp = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    draw = ImageDraw.Draw(stamp)
    red = (200, 30, 30, 210)
    draw.ellipse((10, 10, 590, 590), outline=red, width=18)
    draw.ellipse((70, 70, 530, 530), outline=red, width=6)
    draw.regular_polygon((300, 300, 110), 5, rotation=90, fill=red)
    signature = Image.new("RGBA", (720, 360), (0, 0, 0, 0))
    draw = ImageDraw.Draw(signature)
    points = [
        (40 + 20 * i, 180 + (90 if i % 3 == 0 else -70 if i % 3 == 1 else 20)) for i in range(32)
    ]
    draw.line(points, fill=(20, 40, 160, 255), width=7, joint="curve")
    names = ("programmes/stamps/bench-stamp.png", "programmes/signatures/bench-signature.png")
    for image, name in zip((stamp, signature), names, strict=True):
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        image.save(media / name)
    return names


def build_programme(media: Path) -> Programme:
    began = time.perf_counter()
    organiser, programme, session = national_session(
        "Hội nghị tập huấn toàn quốc (chứng nhận)", days_from_today=-1
    )
    check_everyone_in(session)
    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.CLOSED, closed_at=session.ends_at, closed_by=organiser
    )
    stamp, signature = stamp_and_signature(media)
    Programme.objects.filter(pk=programme.pk).update(
        signer_name="Nguyễn Văn Thành",
        signer_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
        signing_place="Hà Nội",
        stamp_image=stamp,
        signature_image=signature,
    )
    programme.refresh_from_db()
    set_completion_rule(
        actor=organiser,
        programme=programme,
        required_sessions=None,
        min_minutes_present=MIN_MINUTES,
        require_on_time=True,
        require_survey=False,
    )
    settle()
    counts = (
        session.participations.count(),
        RosterEntry.objects.filter(session=session).count(),
        Attendance.objects.filter(session=session, checked_in_at__isnull=False).count(),
    )
    print(
        f"data: {counts[0]:,} points in the session, {counts[1]:,} people on its roster, "
        f"{counts[2]:,} checked in; rule: every session, {MIN_MINUTES} minutes present, on "
        f"time; built in {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    if counts != (POINTS, ROSTER_SIZE, ROSTER_SIZE):
        raise RuntimeError(f"unexpected data: {counts}")
    return programme


def empty_certificates() -> None:
    """No completion, certificate, counter or collation: the programme's first collation."""
    execute(
        f"TRUNCATE {table(Certificate)}, {table(Completion)}, {table(CertificateCounter)}, "
        f"{table(Collation)}"
    )
    with suppress(DatabaseError):  # needs a superuser; only makes the run quieter
        execute("CHECKPOINT")


# -- Issuing ---------------------------------------------------------------------------------


@contextmanager
def timed_stages() -> Iterator[dict[str, float]]:
    """Time spent in each of run_collation's steps, and the queries' share of it."""
    spent: dict[str, float] = defaultdict(float)

    def wrap(name: str, function: Callable) -> Callable:
        def timed(*args: object, **kwargs: object) -> object:
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - began

        return timed

    def queries(execute: Callable, sql: str, params: object, many: bool, context: dict):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["queries"] += time.perf_counter() - began
            spent["query count"] += 1

    with ExitStack() as stack:
        for name in STAGES:
            stack.enter_context(
                mock.patch.object(service, name, wrap(name, getattr(service, name)))
            )
        stack.enter_context(connection.execute_wrapper(queries))
        yield spent


def check_issued(programme: Programme, side: str, collation: Collation | None = None) -> None:
    """300,000 valid certificates to as many people, serials and register numbers 1 to
    300,000 with no gap and no repeat; for the collation, its completions and counters too."""
    prefix = f"{programme.code.upper()}-"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*), count(DISTINCT person_id),
                   count(*) FILTER (WHERE status = 'valid' AND version = 1),
                   count(*) FILTER (WHERE left(serial, %s) = %s),
                   min(substr(serial, %s)::int), max(substr(serial, %s)::int),
                   count(DISTINCT substr(serial, %s)::int),
                   min(register_number), max(register_number), count(DISTINCT register_number),
                   count(DISTINCT register_key), count(DISTINCT code)
            FROM {table(Certificate)} WHERE programme_id = %s
            """,
            (len(prefix), prefix, *(len(prefix) + 1,) * 3, programme.pk),
        )
        found = cursor.fetchone()
    n = ROSTER_SIZE
    expected = (n, n, n, n, 1, n, n, 1, n, n, 1, n)
    if found != expected:
        raise RuntimeError(
            f"{side}: expected {n:,} certificates numbered 1 to {n:,} without gaps, found "
            f"(certificates, people, valid v1, prefixed, serial min, max, distinct, register "
            f"min, max, distinct, register keys, codes) = {found}"
        )
    if collation is None:
        return
    collation.refresh_from_db()
    state = (
        collation.status,
        collation.people,
        collation.completed,
        collation.to_issue,
        collation.issued,
        Completion.objects.filter(programme=programme, completed=True).count(),
        Certificate.objects.filter(collation=collation).count(),
        sorted(CertificateCounter.objects.values_list("last", flat=True)),
    )
    if state != (Collation.Status.DONE, n, n, n, n, n, n, [n, n]):
        raise RuntimeError(
            f"{side}: expected a finished collation of {n:,} people, all completing and "
            f"issued, and both counters at {n:,}; found {state} ({collation.error})"
        )


def run_collation(programme: Programme, media: Path) -> tuple[float, float, list[dict]]:
    """One timed collation from nothing, in a process of its own; returns its seconds, the
    process's peak memory in MiB, and the rows it wrote."""
    empty_certificates()
    answer = _child("collate_in_this_process", programme.pk, media)
    check_issued(programme, "collation", Collation.objects.get(pk=answer["collation"]))
    rows = list(
        Certificate.objects.filter(collation_id=answer["collation"]).order_by("pk").values(*COLUMNS)
    )
    return answer["seconds"], answer["peak_mib"], rows


def _child(function: str, programme_id: int, media: Path) -> dict[str, object]:
    """Run one of this module's functions in a new Python process on the same database,
    passing its output through; its last line is its answer, as JSON."""
    environment = {**os.environ, "MEDIA_ROOT": str(media)}
    code = (
        "import django; django.setup(); import bench.certificates as b; "
        f"b.{function}({programme_id})"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{function} failed:\n{done.stdout}\n{done.stderr}")
    for line in lines[:-1]:
        print(line, flush=True)
    return json.loads(lines[-1])


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def collate_in_this_process(programme_id: int) -> None:
    """The child's side of run_collation: a worker's process collating the programme."""
    programme = Programme.objects.get(pk=programme_id)
    collation = Collation.objects.create(programme=programme)
    dispatched: list[int] = []
    tasks = SimpleNamespace(
        name="render_certificates", delay=lambda ids: dispatched.append(len(ids))
    )
    with (
        mock.patch("certificates.tasks.render_certificates", tasks),
        timed_stages() as spent,
    ):
        began = time.perf_counter()
        service.run_collation(collation.pk)
        elapsed = time.perf_counter() - began
    if sum(dispatched) != ROSTER_SIZE or max(dispatched) > RENDER_CHUNK:
        raise RuntimeError(
            f"collation: {sum(dispatched):,} certificates in {len(dispatched)} render tasks"
        )
    peak = _peak_mib()
    python = elapsed - spent["queries"]
    print(
        f"  collation    {elapsed:7.2f} s  {ROSTER_SIZE / elapsed:9,.0f} certificates/s  "
        f"({int(spent['query count']):,} queries {spent['queries']:.2f} s with their "
        f"parameters' quoting, the rest {python:.2f} s; {len(dispatched):,} render tasks "
        f"counted, not sent; peak memory of the process {peak:.0f} MiB)"
    )
    steps = sorted(((spent[name], name) for name in STAGES), reverse=True)
    # Reading the due people happens as issuing takes each chunk: it is in "the rest".
    inside = spent["_issue"] + spent["_snapshot_base"]
    commits = elapsed - sum(spent[name] for name in STAGES)
    print(
        "    "
        + ", ".join(f"{name} {seconds:.2f} s" for seconds, name in steps)
        + f"; issuing's commits and the rest {commits:.2f} s"
        + f" (issuing in all {inside + commits:.2f} s)"
    )
    print(json.dumps({"collation": collation.pk, "seconds": elapsed, "peak_mib": peak}))


def hold_completions_in_this_process(programme_id: int) -> None:
    """The baseline's child: every completion of the programme in one list, as collation
    held them before it streamed them."""
    held = list(Completion.objects.filter(programme_id=programme_id))
    if len(held) != ROSTER_SIZE:
        raise RuntimeError(f"{len(held):,} completions held")
    print(json.dumps({"people": len(held), "peak_mib": _peak_mib()}))


def measure_holding(programme: Programme, media: Path) -> float:
    answer = _child("hold_completions_in_this_process", programme.pk, media)
    print(
        f"  holding all  {answer['people']:,} completions as one list: peak memory of the "
        f"process {answer['peak_mib']:.0f} MiB",
        flush=True,
    )
    return answer["peak_mib"]


def run_bulk_insert(programme: Programme, rows: list[dict[str, object]]) -> float:
    empty_certificates()
    collation = Collation.objects.create(programme=programme, status=Collation.Status.DONE)
    certificates = [Certificate(**{**row, "collation_id": collation.pk}) for row in rows]
    began = time.perf_counter()
    with transaction.atomic():
        Certificate.objects.bulk_create(certificates, batch_size=BULK_BATCH_SIZE)
    elapsed = time.perf_counter() - began
    check_issued(programme, "bulk insert")
    print(
        f"  bulk insert  {elapsed:7.2f} s  {ROSTER_SIZE / elapsed:9,.0f} certificates/s  "
        f"(bulk_create, batch_size={BULK_BATCH_SIZE}, one transaction)",
        flush=True,
    )
    return elapsed


# -- Rendering -------------------------------------------------------------------------------


def render_round(pages: list[certificate_pdf.CertificatePage]) -> tuple[float, float, int]:
    """Wall and CPU seconds to render the pages chunk by chunk, and the bytes made."""
    wall = cpu = 0.0
    size = 0
    for start in range(0, len(pages), RENDER_CHUNK):
        chunk = pages[start : start + RENDER_CHUNK]
        began, began_cpu = time.perf_counter(), time.process_time()
        files = certificate_pdf.render_pages(chunk)
        wall += time.perf_counter() - began
        cpu += time.process_time() - began_cpu
        if len(files) != len(chunk) or not all(data.startswith(b"%PDF-") for data in files):
            raise RuntimeError(f"render_pages made {len(files)} files for {len(chunk)} pages")
        size += sum(len(data) for data in files)
    return wall, cpu, size


def empty_round(count: int) -> tuple[float, float]:
    began, began_cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        data = certificate_pdf.empty_page()
    wall, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    if not data.startswith(b"%PDF-"):
        raise RuntimeError("empty_page made no PDF")
    return wall, cpu


def measure_rendering(programme: Programme) -> tuple[float, float, float]:
    """Certificate pages and empty pages a second, one core, median of the rounds; and the
    mean size of a certificate's PDF."""
    certificates = list(
        Certificate.objects.filter(programme=programme)
        .select_related("programme")
        .order_by("pk")[: RENDER_CHUNK + RENDER_ROUNDS * RENDER_PAGES]
    )
    # Built beforehand: page_for reads nothing from the database once the programme is
    # joined, and costs next to nothing beside the drawing.
    pages = [service.page_for(certificate) for certificate in certificates]
    if any(page.stamp is None or page.signature is None for page in pages):
        raise RuntimeError("the certificates lack the stamp or the signature image")
    render_round(pages[:RENDER_CHUNK])  # warm-up: imports, fonts read from disk
    empty_round(RENDER_CHUNK)
    rendered, empty, sizes = [], [], []
    for round_ in range(1, RENDER_ROUNDS + 1):
        start = RENDER_CHUNK + (round_ - 1) * RENDER_PAGES
        wall, cpu, size = render_round(pages[start : start + RENDER_PAGES])
        rendered.append(RENDER_PAGES / wall)
        sizes.append(size / RENDER_PAGES)
        print(
            f"  render {round_}      {wall:6.2f} s  {RENDER_PAGES / wall:7.1f} pages/s  "
            f"(CPU {cpu / wall:.0%} of one core, {size / RENDER_PAGES / 1024:.0f} KiB a PDF)",
            flush=True,
        )
        wall, cpu = empty_round(EMPTY_PAGES)
        empty.append(EMPTY_PAGES / wall)
        print(
            f"  empty {round_}       {wall:6.2f} s  {EMPTY_PAGES / wall:7.1f} pages/s  "
            f"(CPU {cpu / wall:.0%} of one core)",
            flush=True,
        )
    return statistics.median(rendered), statistics.median(empty), statistics.mean(sizes)


def measure_storing(programme: Programme) -> float:
    """Certificates a second through render_certificates: render, hash, update, notify."""
    ids = list(
        Certificate.objects.filter(programme=programme, rendered_at=None)
        .order_by("-pk")
        .values_list("pk", flat=True)[:STORE_PAGES]
    )
    ticks: list[int] = []
    notices_before = Notice.objects.filter(kind=CERTIFICATE_READY).count()
    with mock.patch("events.notices.planning.send_soon", lambda: ticks.append(1)):
        began = time.perf_counter()
        done = sum(
            service.render_certificates(ids[start : start + RENDER_CHUNK])
            for start in range(0, len(ids), RENDER_CHUNK)
        )
        elapsed = time.perf_counter() - began
    hashed = list(
        Certificate.objects.filter(pk__in=ids, rendered_at__isnull=False)
        .exclude(pdf_sha256="")
        .select_related("programme")
        .order_by("pk")
    )
    stored = sum(bool(c.pdf) for c in hashed)
    redrawn = hashed[:: max(1, len(hashed) // REDRAWN)][:REDRAWN]
    began = time.perf_counter()
    same = sum(
        hashlib.sha256(certificate_pdf.render_page(service.page_for(c))).hexdigest() == c.pdf_sha256
        for c in redrawn
    )
    redraw = (time.perf_counter() - began) / len(redrawn)
    notices = Notice.objects.filter(kind=CERTIFICATE_READY).count() - notices_before
    if (done, len(hashed), notices, stored, same) != (len(ids), len(ids), len(ids), 0, REDRAWN):
        raise RuntimeError(
            f"render_certificates: {done} rendered, {len(hashed)} hashed, {notices} notices "
            f"queued, {stored} files stored, for {len(ids)} certificates; {same} of "
            f"{len(redrawn)} drawn again gave their hash"
        )
    print(
        f"  render+hash   {elapsed:6.2f} s  {len(ids) / elapsed:7.1f} certificates/s  "
        f"({len(ids) // RENDER_CHUNK} calls of render_certificates; no file stored, "
        f"{notices:,} notices queued, {len(ticks)} ticks not started; {same} of "
        f"{len(redrawn)} drawn again alone gave their recorded SHA-256, "
        f"{redraw * 1000:.0f} ms each)",
        flush=True,
    )
    return len(ids) / elapsed


def measure_storage() -> tuple[float, float]:
    """Bytes the database holds per certificate (table, TOAST and indexes), and the mean
    snapshot's."""
    settle(Certificate)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_total_relation_size('{Certificate._meta.db_table}'), count(*), "
            f"avg(pg_column_size(snapshot)) FROM {table(Certificate)}"
        )
        total, count, snapshot = cursor.fetchone()
    if count != ROSTER_SIZE:
        raise RuntimeError(f"{count:,} certificates to measure")
    print(
        f"  storage      {total / 2**20:7.1f} MiB for {count:,} certificates: "
        f"{total / count:,.0f} bytes each, of which the snapshot {float(snapshot):,.0f}",
        flush=True,
    )
    return total / count, float(snapshot)


# -- The benchmark ---------------------------------------------------------------------------


def run() -> list[Figure]:
    with (
        tempfile.TemporaryDirectory(prefix="diemcau-bench-media-") as media,
        override_settings(MEDIA_ROOT=media),
    ):
        return measure(Path(media))


def measure(media: Path) -> list[Figure]:
    programme = build_programme(media)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL "
        f"{postgres}, fpdf2 {fpdf.__version__}, pypdf {pypdf.__version__}",
        flush=True,
    )
    rounds = f"{ISSUE_REPEATS} round{'s' if ISSUE_REPEATS > 1 else ''}"
    print(f"issuing {ROSTER_SIZE:,} certificates, {rounds}:", flush=True)
    collation, bulk, peaks, holding = [], [], [], []
    for _round in range(ISSUE_REPEATS):
        seconds, peak, rows = run_collation(programme, media)
        collation.append(seconds)
        peaks.append(peak)
        # While the collation's completions are there: the bulk insert empties the tables.
        holding.append(measure_holding(programme, media))
        bulk.append(run_bulk_insert(programme, rows))
        del rows
    issue, issue_baseline = statistics.median(collation), statistics.median(bulk)
    peak, holding = max(peaks), max(holding)
    # Rendering is measured on one core of a quiet machine: autovacuum is not left to
    # wake up on the certificates just written, nor a checkpoint to write them out.
    settle(Certificate)
    print(f"rendering, one core, chunks of {RENDER_CHUNK}:", flush=True)
    render, empty, pdf_bytes = measure_rendering(programme)
    store = measure_storing(programme)
    per_certificate, _snapshot = measure_storage()
    pdfs = per_certificate + pdf_bytes
    render_ratio = render / empty
    at_aim = AIM_RENDER_PER_SECOND / empty
    print(
        f"aims: issue {issue:.1f} s (< {AIM_ISSUE_SECONDS:.0f} s) "
        f"{'met' if issue < AIM_ISSUE_SECONDS else 'MISSED'}; render {render:.0f} pages/s "
        f"a core (>= {AIM_RENDER_PER_SECOND:.0f}) "
        f"{'met' if render >= AIM_RENDER_PER_SECOND else 'MISSED'}; collation's peak "
        f"{peak:.0f} MiB (< {AIM_PEAK_MIB:.0f}) {'met' if peak < AIM_PEAK_MIB else 'MISSED'}",
        flush=True,
    )
    return [
        Figure("certificates_issue_seconds", issue, "s", issue_baseline, issue_baseline / issue),
        Figure(
            "certificates_issue_per_second",
            ROSTER_SIZE / issue,
            "certs/s",
            ROSTER_SIZE / issue_baseline,
            issue_baseline / issue,
        ),
        Figure("certificates_render_per_second", render, "pages/s", empty, render_ratio),
        Figure("certificates_render_ratio", render_ratio, "ratio", at_aim, render_ratio / at_aim),
        Figure("certificates_render_store_per_second", store, "certs/s", render, store / render),
        Figure(
            "certificates_storage_bytes_per_cert",
            per_certificate,
            "bytes",
            pdfs,
            pdfs / per_certificate,
        ),
        Figure("certificates_collation_peak_mib", peak, "MiB", holding, holding / peak),
    ]
