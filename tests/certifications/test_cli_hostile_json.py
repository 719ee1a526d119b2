"""A JSON file given to a command is refused with exit 2 and a reason, never a traceback: NaN, a number of thousands
of digits, nesting deeper than the reader goes, a control character."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from vae_app.certifications.cli import eligibility_cli
from vae_app.juries.cli import juries_cli

APPLICATION = ('{"certification": "RNCP5385", "route": "vae", "received_on": "2016-03-01", "experiences": '
               '[{"status": "salaried", "start": "2011-01-01", "end": "2015-12-31", "hours": %s, "related": true}]}')


@pytest.mark.parametrize("cli, text, said", [
    (eligibility_cli, APPLICATION % "NaN", "NaN n'est pas un nombre JSON"),
    (eligibility_cli, APPLICATION % "Infinity", "Infinity n'est pas un nombre JSON"),
    (eligibility_cli, APPLICATION % ("9" * 5000), "plusieurs milliers de chiffres"),
    (eligibility_cli, APPLICATION % ("9" * 30), "experiences[0].hours: nombre trop grand"),
    (eligibility_cli, "[" * 100_000 + "]" * 100_000, "trop profondément imbriqué"),
    (juries_cli, "[" * 100_000 + "]" * 100_000, "trop profondément imbriqué"),
    (juries_cli, '{"certification": "RNCP5385\\u0000"}', "certification: caractère de contrôle interdit"),
])
def test_a_hostile_json_file_exits_2_with_its_reason(tmp_path, cli, text, said):
    path = tmp_path / "document.json"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2 and said in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
