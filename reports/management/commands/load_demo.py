from typing import Any

from django.core.management.base import BaseCommand

from attendance.demo import load_demo_national_checkins
from certificates.demo import load_demo_certificates
from directory.demo import DEMO_PASSWORD, load_demo_directory
from events.demo import advance_demo_sessions, load_demo_points, load_demo_sessions
from network.demo import load_demo_network
from surveys.demo import load_demo_survey


class Command(BaseCommand):
    help = "Load the demo built from the seeds, with one login per role (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        directory = load_demo_directory()
        points = load_demo_points(directory)
        load_demo_sessions(directory, points)
        load_demo_certificates(directory, points)
        load_demo_survey(directory)
        load_demo_national_checkins(directory, points)
        advance_demo_sessions()
        network = load_demo_network(directory.national_organiser)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {len(points)} seed bridge points, and today's network of "
                f"{network.provinces} provincial and {network.communes} commune points."
            )
        )
        self.stdout.write(
            "\n".join(
                [
                    "Demo logins (password for staff: " + DEMO_PASSWORD + "):",
                    "  admin      system administrator (Django admin)",
                    "  bonoivu    national organiser, Vụ CCHC, Bộ Nội vụ",
                    "  vinhphuc   provincial organiser, Sở Nội vụ Vĩnh Phúc (the 2021 records)",
                    "  phutho     provincial organiser, Sở Nội vụ Phú Thọ (today's communes)",
                    "  songlo     coordinator of the Sông Lô district point",
                    f"  attendee   ask for a sign-in link at /accounts/link/ with "
                    f"{directory.attendee_email}; the worker prints the e-mail",
                    "  certificates: the worker issues Sông Lô's for the 03/11/2021 session;",
                    "  see Certificates (vinhphuc), My certificates (attendee), /verify/",
                    "  survey: the same session's results (vinhphuc, session page); the",
                    "  attendee can still answer it from My sessions",
                ]
            )
        )
