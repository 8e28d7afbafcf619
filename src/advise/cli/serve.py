"""`advise serve`: the questionnaire and the API on the web (the work is done by advise.web)."""

from __future__ import annotations

import sys

import click

from .options import consultant_option, rules_option, signature_options, templates_option
from .reporting import report_errors


def register(group: click.Group) -> None:
    """Add this module's command to the `advise` group."""

    @group.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True,
                  help="Address to listen on (loopback by default; put a reverse proxy in front for the internet).")
    @click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
                  help="Port to listen on (0: any free port, shown at start).")
    @click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
                  help="Worker processes, each with its own rule engines: one per core uses every core.")
    @click.option("--threads", type=click.IntRange(min=1), default=2, show_default=True,
                  help="Threads per worker, each with its own rule engine.")
    @rules_option
    @templates_option
    @consultant_option
    @click.option("--access-log/--no-access-log", default=True, show_default=True,
                  help="One line per request on the error stream: method, path, status, time; never answers.")
    @report_errors
    def serve(host: str, port: int, workers: int, threads: int, rules_dir: str | None, templates_dir: str | None,
              consultant_file: str | None, access_log: bool) -> None:
        """Serve the questionnaire and its report on the web, and the JSON API.

        GET / is the questionnaire (in the browser's language, or ?lang=fr|en); posting it
        gives the HTML report. POST /api/advise takes a fact sheet (application/yaml or
        application/json) and gives the report of `advise FILE --format json` (?format=,
        ?lang=, ?hints=false). GET /healthz answers 200. Nothing is stored or logged.
        Reports are signed by the consultant's profile as `advise FILE --consultant` signs
        them, and dated the day of the request (or $SOURCE_DATE_EPOCH).

        \b
        Examples:
          advise serve
          advise serve --port 8080 --workers 2
          advise serve --consultant consultant.yaml
          curl --data-binary @examples/fleuriste.yaml -H 'Content-Type: application/yaml' \\
               http://127.0.0.1:8000/api/advise
        """
        from ..web.server import serve as run_server

        # Read and checked now: a bad profile (or date) stops the start with exit 2.
        consultant, _ = signature_options(consultant_file, None)

        def announce(url: str) -> None:
            signed = f"; reports signed by {consultant.name}" if consultant is not None else ""
            click.echo(f"advise serve: {url} ({workers} worker{'s' if workers != 1 else ''} x {threads} "
                       f"thread{'s' if threads != 1 else ''}){signed}; Ctrl-C to stop")
            sys.stdout.flush()

        sys.exit(run_server(host, port, workers=workers, threads=threads, rules_dir=rules_dir,
                            templates_dir=templates_dir, access_log=access_log, consultant=consultant,
                            announce=announce))
