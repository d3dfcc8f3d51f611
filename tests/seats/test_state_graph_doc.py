"""docs/seat-states.dot is generated from the model (`make docs`); it must not drift from it."""

from pathlib import Path

from django.core.management import call_command

DOC = Path(__file__).resolve().parents[2] / "docs" / "seat-states.dot"


def test_the_documented_state_graph_is_the_models(capsys):
    call_command("graph_transitions", "seats.Seat")
    generated = capsys.readouterr().out
    assert sorted(generated.split("\n")) == sorted(DOC.read_text().split("\n")), (
        "The seat state graph changed: run `make docs` and commit docs/seat-states.dot."
    )
