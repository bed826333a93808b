"""Charts honour the services filter like every other list of titles."""

from __future__ import annotations

from typer.testing import CliRunner

from reelradar.cli import app
from reelradar.config import Settings

runner = CliRunner()


def test_charts_keep_only_titles_on_the_given_services(own_demo: Settings) -> None:
    base = ["--data-dir", str(own_demo.data_dir), "charts"]
    on_prime = runner.invoke(app, [*base, "--service", "prime video"])
    assert on_prime.exit_code == 0, on_prime.output
    assert "Ballard" in on_prime.stdout
    elsewhere = runner.invoke(app, [*base, "--service", "Netflix"])
    assert elsewhere.exit_code == 3
    assert "no chart rows" in elsewhere.stderr
    no_profile = runner.invoke(app, [*base, "--my-services"])
    assert no_profile.exit_code == 2 and "lists no services" in no_profile.stderr
    runner.invoke(app, ["--data-dir", str(own_demo.data_dir), "profile", "--service", "Prime Video"])
    mine = runner.invoke(app, [*base, "--my-services"])
    assert mine.exit_code == 0, mine.output
    assert "Ballard" in mine.stdout
