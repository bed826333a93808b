"""``notify``: send the notices of something worth watching (story/notify.py) to the Apprise URLs of
the settings or ``--to``, each notice once; ``--dry-run`` prints them and sends nothing."""

from __future__ import annotations

from datetime import date

import typer

from reelradar.analytics.availability import current_profile
from reelradar.catalog.ensure import open_for_reading
from reelradar.cli.app import command, settings
from reelradar.cli.output import emit_json, note
from reelradar.config import NOTICE_RULES
from reelradar.errors import SourceFailure
from reelradar.story.notify import find_notices, message, send_notices, taste_note
from reelradar.users.actions import your_history


@command("notify")
def notify_cmd(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the notices that would be sent; send nothing."),
    to: list[str] = typer.Option([], "--to", help="An Apprise URL to send to (repeatable; default: notify_urls)."),
    rule: list[str] = typer.Option([], "--rule", help=f"Only these notices (repeatable): {', '.join(NOTICE_RULES)}."),
    days: int | None = typer.Option(None, "--days", help="Days to look back (default: notify_days)."),
    json: bool = typer.Option(False, "--json", help="Print the notices (and, when sending, the deliveries) as JSON."),
) -> None:
    """Notices when something worth watching arrives: a watchlist title new on your services, a new
    season of a series you watched, a breakout to your taste (on your services), a watchlist title leaving — each with its
    numbers and sources, each sent once."""
    s = settings(ctx)
    history = your_history(s)
    con = open_for_reading(s, note)
    try:
        notices = find_notices(con, s, profile=current_profile(s), history=history, today=date.today(),
                               days=days, rules=rule or None)
    finally:
        con.close()
    why_no_taste = taste_note(history, rule or None, s)
    if dry_run and why_no_taste and not json:
        note(why_no_taste)
    deliveries = [] if dry_run else send_notices(s, notices, list(to or s.notify_urls))
    if json:
        emit_json({"notices": [n.to_dict() for n in notices], "dry_run": dry_run,
                   "notes": [why_no_taste] if why_no_taste else [],
                   "deliveries": [{**vars(d), "text": d.text()} for d in deliveries]})
    elif not notices:
        note("no notices: nothing new on your services, in your series or in the charts")
    elif dry_run:
        title, body = message(notices)
        typer.echo(f"{title}\n\n{body}")
    for d in deliveries:
        if not d.error and not json:
            note(d.text())
    failed = [d for d in deliveries if d.error]
    if failed:
        raise SourceFailure("; ".join(d.text() for d in failed) + " (kept: sent again on the next run)",
                            retryable=True)
