"""The organiser's pages at national scale, each beside a trivial page of the same site.

The data is the national session a month ahead at all 3,356 bridge points (34 provinces and
3,321 communes of today's units, plus the Ministry's host point) with 300,000 people on its
rosters, about 90 a point (`bench.data`). Around it, what the organiser's desk reads: half
the points kept by a coordinator (the other half "without a coordinator"), 300,000
invitations sent of which 600 failed, 2,000 excuse requests waiting, a session that ended
yesterday and was never closed, and twenty small sessions still to come.

Each page is requested through Django's test client as a signed-in user, as the browser
would (middleware, session, template, HTML). The four pages the issue names (marked * in the
table): the session page, the points list and the organiser's home as the national
organiser, and the roster of a 90-person commune point as its coordinator; beside them the
other pages an organiser (or coordinator) opens around that session and network, and any
argument-free page of the network and home apps as it appears. After WARM_UP requests (the
first counts the queries), ROUNDS rounds each request the trivial page (the privacy notice,
signed in) and every page once, so drift and load touch both alike.

For each page that answers 200 with HTML, three figures:
  <page>_seconds  the median wall time; baseline: the trivial page's median;
  <page>_kb       the HTML's size in KB (1,000 bytes); baseline: the trivial page's;
  <page>_queries  the queries of one request; baseline: the trivial page's;
each with ratio = baseline / value, as in the other benchmarks (1 would mean the page costs
no more than the trivial one). The table also shows the p90 and flags OVER any page above
the budget (BUDGET_SECONDS median, BUDGET_KB). A page whose URL does not exist yet is shown
as missing, one that answers otherwise (404, an exception) with what it answered; neither
stops the run, so it can be run again as the pages land.
"""

import os
import re
import statistics
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import timezone

from bench import Figure
from bench.data import add_coordinators, execute, national_session, settle, table
from directory.collation import name_sort_key
from directory.models import AdministrativeUnit, Person, RoleAssignment
from events.models import BridgePoint, RosterEntry, Session, SessionPoint
from events.services.points import insert_participations

BUDGET_SECONDS = 0.3
BUDGET_KB = 150.0
WARM_UP = 2
ROUNDS = 9
ROSTER_PEOPLE = 90
TRIVIAL = "privacy:notice"
# Namespaces whose argument-free pages are measured too as they appear, beside those named.
DISCOVER = ("network", "home")


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    who: str = "organiser"
    kwargs: Callable[[dict], dict] = lambda _data: {}
    required: bool = False


PAGES = [
    Page("session_page", "events:session_detail", kwargs=lambda d: {"pk": d["session"].pk},
         required=True),
    Page("points_list", "network:point_list", required=True),
    Page("roster_page", "attendance:roster", who="coordinator",
         kwargs=lambda d: {"participation_id": d["participation"].pk}, required=True),
    Page("organiser_home", "home", required=True),
    Page("roster_as_organiser", "attendance:roster",
         kwargs=lambda d: {"participation_id": d["participation"].pk}),
    Page("session_new", "events:session_create"),
    Page("session_list", "events:session_list"),
    Page("session_dashboard", "attendance:session_dashboard",
         kwargs=lambda d: {"session_id": d["session"].pk}),
    Page("session_notices", "events:session_notices", kwargs=lambda d: {"pk": d["session"].pk}),
    Page("excuse_queue", "home:excuse_queue"),
    Page("my_points", "events:my_points", who="coordinator"),
    Page("session_edit", "events:session_edit", kwargs=lambda d: {"pk": d["session"].pk}),
    Page("point_detail", "network:point_detail",
         kwargs=lambda d: {"pk": d["participation"].point_id}),
    Page("staff_list", "directory:staff_list"),
    Page("staff_history", "directory:staff_history"),
    Page("staff_grant", "directory:staff_grant"),
    Page("agency_list", "directory:agency_list"),
    Page("person_list", "directory:person_list"),
    Page("unit_list", "directory:unit_list"),
    Page("programme_list", "training:programme_list"),
    Page("programme_detail", "training:programme_detail",
         kwargs=lambda d: {"pk": d["session"].programme_id}),
]  # fmt: skip


@dataclass
class Measure:
    page: Page
    url: str = ""
    problem: str = ""
    size: int = 0
    queries: list[dict] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    html: str = ""
    origins: list[str] = field(default_factory=list)

    def note_origin(self, execute: Callable, sql: str, params: object, many: bool, context: dict):
        """Where in the site's code each query of the counted request comes from."""
        self.origins.append(origin(traceback.extract_stack()))
        return execute(sql, params, many, context)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p90(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]

    @property
    def kb(self) -> float:
        return self.size / 1000

    @property
    def over(self) -> bool:
        return self.median > BUDGET_SECONDS or self.kb > BUDGET_KB


# --- the data ------------------------------------------------------------------------------


def _at(day: int, hour: int) -> datetime:
    return timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=day), clock(hour, 0))
    )


def _small_session(organiser, programme, host, title: str, starts: datetime, points) -> Session:
    session = Session.objects.create(
        programme=programme,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        host_point=host,
        created_by=organiser,
    )
    insert_participations(session_id=session.pk, points=points)
    return session


def build() -> dict:
    began = time.perf_counter()
    organiser, programme, session = national_session(
        "Hội nghị tập huấn toàn quốc (trang)", days_from_today=30
    )
    _sort_names()
    add_coordinators(session.pk)
    participation = _ninety_person_point(session)
    # Half the points lose their coordinator: the desk's "points without a coordinator".
    through = table(BridgePoint.coordinators.through)
    execute(
        f"DELETE FROM {table(RoleAssignment)} WHERE role = 'coordinator' AND user_id IN "
        f"(SELECT user_id FROM {through} WHERE bridgepoint_id %% 2 = 0 AND bridgepoint_id <> %s)",
        (participation.point_id,),
    )
    execute(
        f"DELETE FROM {through} WHERE bridgepoint_id %% 2 = 0 AND bridgepoint_id <> %s",
        (participation.point_id,),
    )
    coordinator = participation.point.coordinators.get()
    _invitations(session)
    _excuses(session)
    host = session.host_point
    provinces = BridgePoint.objects.filter(unit__level=AdministrativeUnit.Level.PROVINCE)
    _small_session(organiser, programme, host, "Giao ban tuần trước", _at(-1, 8), provinces)
    communes = BridgePoint.objects.filter(unit__level=AdministrativeUnit.Level.COMMUNE)
    for n in range(20):
        _small_session(
            organiser,
            programme,
            host,
            f"Tập huấn chuyên đề {n + 1}",
            _at(3 + n, 14),
            communes.order_by("pk")[n * 9 : n * 9 + 9],
        )
    settle()
    people = RosterEntry.objects.filter(participation=participation).count()
    print(
        f"data: {session.participations.count():,} points, "
        f"{RosterEntry.objects.filter(session=session).count():,} on the national roster, "
        f"{Session.objects.count()} sessions, roster point {participation.point.name!r} with "
        f"{people} people kept by {coordinator.username}; "
        f"built in {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    return {
        "organiser": organiser,
        "coordinator": coordinator,
        "session": session,
        "participation": participation,
    }


def _ninety_person_point(session: Session) -> SessionPoint:
    rows = (
        RosterEntry.objects.filter(session=session, participation__point__unit__level="commune")
        .values("participation_id")
        .annotate(people=Count("pk"))
        .filter(people=ROSTER_PEOPLE)
        .order_by("participation_id")
    )
    first = rows.first()
    if first is None:
        raise RuntimeError(f"no commune point has {ROSTER_PEOPLE} people")
    return SessionPoint.objects.select_related("point").get(pk=first["participation_id"])


def _sort_names() -> None:
    """Each person's name key as saving them would write it (`directory.collation`): the bulk
    insert leaves it empty, and 300,000 equal keys would make any list in name order look
    slower than it is. "Đại biểu số <g>" sorts by its given name, the number g."""
    example = "Đại biểu số 7"
    given = name_sort_key("7")[:2]
    rest = name_sort_key(example).removeprefix(given + "000")
    if name_sort_key(example) != f"{given}000{rest}":
        raise RuntimeError("the name key is no longer spelled as this bench expects")
    execute(
        f"""
        UPDATE {table(Person)} SET sort_name =
            regexp_replace(number, '([0-9])', '1\\1', 'g') || '00' ||
            repeat('0', length(number)) || %s
        FROM (SELECT id AS person_id, substring(full_name from '([0-9]+)$') AS number
              FROM {table(Person)}) numbered
        WHERE id = numbered.person_id AND number IS NOT NULL
        """,
        (rest,),
    )
    for person in Person.objects.order_by("?")[:20]:
        if person.sort_name != name_sort_key(person.full_name):
            raise RuntimeError(f"name key of {person.full_name!r}: {person.sort_name}")


def _invitations(session: Session) -> None:
    """An invitation to everyone on the roster, sent yesterday; 600 of them failed."""
    from events.notices.models import Notice

    sent = timezone.now() - timedelta(days=1)
    execute(
        f"""
        INSERT INTO {table(Notice)} (session_id, kind, planned_for, person_id, entry_id,
                                     participation_id, channel, status, problem, detail,
                                     address, attempts, due_at, claim, sent_at,
                                     created_at, updated_at)
        SELECT re.session_id, 'invitation', %s, re.person_id, re.id, re.participation_id,
               'email',
               CASE WHEN re.id %% 500 = 0 THEN 'failed' ELSE 'sent' END,
               CASE WHEN re.id %% 500 = 0 THEN 'refused' ELSE '' END,
               CASE WHEN re.id %% 500 = 0 THEN '550 mailbox unavailable' ELSE '' END,
               p.email, 1, %s, '',
               CASE WHEN re.id %% 500 = 0 THEN NULL ELSE %s::timestamptz END,
               %s, %s
        FROM {table(RosterEntry)} re JOIN {table(Person)} p ON p.id = re.person_id
        WHERE re.session_id = %s ORDER BY re.id
        """,
        (sent, sent, sent, sent, sent, session.pk),
    )


def _excuses(session: Session) -> None:
    """One person in 150 has asked to be excused, and waits for the organiser."""
    from attendance.models import Attendance

    execute(
        f"""
        INSERT INTO {table(Attendance)} (entry_id, session_id, participation_id,
                                         check_in_method, excuse, excuse_reason, updated_at)
        SELECT re.id, re.session_id, re.participation_id, '', 'requested',
               'Trùng lịch công tác của đơn vị', now()
        FROM {table(RosterEntry)} re WHERE re.session_id = %s AND re.id %% 150 = 0
        """,
        (session.pk,),
    )


# --- the measurement ------------------------------------------------------------------------


def discovered(named: set[str]) -> list[Page]:
    """Pages of DISCOVER's namespaces that take no argument and are not named in PAGES."""
    resolver = get_resolver()
    pages = []
    for namespace in DISCOVER:
        if namespace not in resolver.namespace_dict:
            continue
        _prefix, sub = resolver.namespace_dict[namespace]
        for pattern in sub.url_patterns:
            name = getattr(pattern, "name", None)
            url_name = f"{namespace}:{name}"
            if not name or url_name in named or pattern.pattern.regex.groups:
                continue
            pages.append(Page(f"{namespace}_{name}", url_name))
    return pages


def get(client: Client, url: str) -> object:
    # The production settings redirect plain HTTP to HTTPS: ask as a browser behind TLS would.
    return client.get(url, secure=True)


def prepare(measure: Measure, client: Client, kwargs: dict) -> None:
    """Resolve the page, request it WARM_UP times (counting the first one's queries) and note
    why it cannot be timed, if it cannot."""
    page = measure.page
    try:
        measure.url = reverse(page.url_name, kwargs=kwargs)
    except NoReverseMatch:
        measure.problem = f"missing (no URL named {page.url_name})"
        return
    try:
        with (
            CaptureQueriesContext(connection) as queries,
            connection.execute_wrapper(measure.note_origin),
        ):
            response = get(client, measure.url)
        # Read now: the next request's start empties the connection's query log.
        measure.queries = list(queries.captured_queries)
        for _ in range(WARM_UP - 1):
            get(client, measure.url)
    except Exception as error:  # a page being built may fail: report it, go on
        measure.problem = f"error: {type(error).__name__}: {str(error)[:160]}"
        return
    kind = response.get("Content-Type", "")
    if response.status_code != 200:
        where = response.get("Location", "")
        measure.problem = f"answers {response.status_code}" + (f" to {where}" if where else "")
        return
    if not kind.startswith("text/html"):
        measure.problem = f"not an HTML page ({kind})"
        return
    measure.size = len(response.content)
    measure.html = response.content.decode("utf-8", "replace")


def time_pages(measures: list[Measure], clients: dict[str, Client]) -> None:
    """ROUNDS rounds, each requesting every page once in turn (the trivial page first)."""
    ready = [m for m in measures if not m.problem]
    for _round in range(ROUNDS):
        for measure in ready:
            client = clients[measure.page.who]
            began = time.perf_counter()
            get(client, measure.url)
            measure.seconds.append(time.perf_counter() - began)


# --- what makes a page heavy ----------------------------------------------------------------

BLOCKS = ("select", "table", "ul", "ol", "script", "svg", "datalist", "form", "nav")


def html_parts(html: str) -> str:
    tags = Counter(match.lower() for match in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html))
    common = ", ".join(f"{count} <{tag}>" for tag, count in tags.most_common(6))
    blocks = []
    for tag in BLOCKS:
        found = re.findall(rf"<{tag}\b.*?</{tag}>", html, flags=re.S | re.I)
        size = sum(len(block.encode()) for block in found)
        if size > 2000:
            blocks.append(f"{len(found)} <{tag}> {size / 1000:.0f} KB")
    return f"most tags: {common}; big blocks: {', '.join(blocks) or 'none'}"


def query_shape(sql: str) -> str:
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    return re.sub(r"\b\d+\b", "?", sql)


SITE = Path(__file__).resolve().parent.parent


def origin(stack: traceback.StackSummary) -> str:
    """The innermost two frames of the site's own code (not a library's, not the bench's)."""
    frames = []
    for frame in reversed(stack):
        path = Path(frame.filename)
        if not path.is_relative_to(SITE) or path.is_relative_to(SITE / ".venv"):
            continue
        if path.is_relative_to(SITE / "bench") or path.is_relative_to(SITE / "tests"):
            continue
        if path.parent == SITE / "config":
            continue
        frames.append(f"{path.relative_to(SITE)}:{frame.lineno} {frame.name}")
        if len(frames) == 2:
            break
    return " < ".join(frames) or "?"


def query_parts(measure: Measure) -> list[str]:
    queries = measure.queries
    origins = measure.origins if len(measure.origins) == len(queries) else ["?"] * len(queries)
    lines = []
    slowest = sorted(
        zip(queries, origins, strict=True),
        key=lambda pair: float(pair[0].get("time") or 0),
        reverse=True,
    )[:3]
    for query, where in slowest:
        lines.append(
            f"{float(query.get('time') or 0) * 1000:7.1f} ms  from {where}\n"
            f"             {query['sql'][:300]}"
        )
    shapes = Counter(query_shape(q["sql"]) for q in queries)
    for shape, count in shapes.most_common(3):
        if count > 3:
            lines.append(f"repeated {count}x: {shape[:200]}")
    return lines


# --- the run ------------------------------------------------------------------------------


def report(trivial: Measure, measures: list[Measure]) -> None:
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    print(
        f"\nbudget: median < {BUDGET_SECONDS * 1000:.0f} ms and HTML < {BUDGET_KB:.0f} KB; "
        f"{ROUNDS} rounds after {WARM_UP} warm-up requests; load average {load} "
        f"on {os.cpu_count()} CPUs; * the pages the issue names\n"
        f"{'page':30} {'who':11} {'median ms':>9} {'p90 ms':>8} {'KB':>8} {'queries':>7} "
        f"{'x trivial':>9}  url",
        flush=True,
    )
    for measure in [trivial, *measures]:
        page = measure.page
        name = f"* {page.name}" if page.required else page.name
        if measure.problem:
            print(f"{name:30} {page.who:11} {measure.problem}  {measure.url}")
            continue
        flag = "  OVER" if measure.over and measure is not trivial else ""
        print(
            f"{name:30} {page.who:11} {measure.median * 1000:9.1f} {measure.p90 * 1000:8.1f} "
            f"{measure.kb:8.1f} {len(measure.queries):7} {measure.median / trivial.median:9.1f}  "
            f"{measure.url}{flag}"
        )
    for measure in measures:
        if measure.problem or not measure.over:
            continue
        print(f"\n{measure.page.name} is OVER: {html_parts(measure.html)}")
        for line in query_parts(measure):
            print(f"  {line}")
    print(flush=True)


def figures(trivial: Measure, measures: list[Measure]) -> list[Figure]:
    result = []
    for measure in measures:
        if measure.problem:
            continue
        name, queries = measure.page.name, len(measure.queries)
        trivial_queries = len(trivial.queries)
        result += [
            Figure(f"{name}_seconds", measure.median, "s", trivial.median,
                   trivial.median / measure.median),
            Figure(f"{name}_kb", measure.kb, "KB", trivial.kb, trivial.kb / measure.kb),
            Figure(f"{name}_queries", queries, "queries", trivial_queries,
                   trivial_queries / queries if queries else 1.0),
        ]  # fmt: skip
    return result


def measure_pages(data: dict, pages: list[Page], clients: dict[str, Client]) -> list[Figure]:
    trivial = Measure(Page("trivial_page", TRIVIAL))
    prepare(trivial, clients["organiser"], {})
    if trivial.problem:
        raise RuntimeError(f"the trivial page {TRIVIAL}: {trivial.problem}")
    measures = [Measure(page) for page in pages]
    for measure in measures:
        prepare(measure, clients[measure.page.who], measure.page.kwargs(data))
    time_pages([trivial, *measures], clients)
    report(trivial, measures)
    return figures(trivial, measures)


def signed_in(user: object) -> Client:
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    return client


def run() -> list[Figure]:
    try:
        get_resolver().url_patterns  # noqa: B018 - a broken URLconf stops the run before the build
    except Exception as error:
        raise RuntimeError(f"the site's URLs do not load: {error}") from error
    data = build()
    pages = PAGES + discovered({page.url_name for page in PAGES})
    # The manifest of hashed static names exists only after collectstatic, which a bench
    # has no need of: plain names cost the same to render.
    plain_static = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # WhiteNoise looks for collected files once, at the first request: none here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    with override_settings(STORAGES=plain_static):
        clients = {who: signed_in(data[who]) for who in ("organiser", "coordinator")}
        return measure_pages(data, pages, clients)
