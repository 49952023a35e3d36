"""The decomposed first roster (hint.py): a complete assignment that keeps every constraint of
the full model, at or below the greedy roster's cost, and never below the LP bound."""

from hotline.wfm.hint import decomposed_hint, greedy_hint
from hotline.wfm.linear import solve_lp_relaxation
from hotline.wfm.model import build
from hotline.wfm.tests.test_roster import centre


def test_decomposed_hint_keeps_the_full_model_and_beats_the_greedy() -> None:
    problem = centre(weeks=2, teams=3, size=6, leave={"a00": {2, 3}})
    model, v = build(problem)
    found = decomposed_hint(problem, v, seconds=10, workers=2)
    assert found.hint is not None
    assert len(found.hint) == len(model.lower)
    assert model.satisfied(found.hint)
    cost = model.cost([found.hint[i] for i in range(len(model.lower))])
    greedy = greedy_hint(problem, v)
    assert cost <= model.cost([greedy.get(i, 0) for i in range(len(model.lower))])
    _, bound = solve_lp_relaxation(model)
    assert cost >= bound - 1e-6
    assert found.seconds <= 10.5


def test_out_of_time_the_hint_is_complete_or_none() -> None:
    # Without time for the days' own models their breaks are dealt in turn (CP-SAT repairs
    # them); without time for the counted model there is no hint and the greedy one is used.
    problem = centre(weeks=2)
    model, v = build(problem)
    found = decomposed_hint(problem, v, seconds=0.01, workers=1)
    assert found.hint is None or len(found.hint) == len(model.lower)
