"""One integer linear model, solved by CP-SAT and relaxed by GLOP.

The roster is written once here, so the LP bound we report is the relaxation of exactly the
model CP-SAT solves (same variables, same constraints, same objective). Every constraint
carries the rule id it keeps: when CP-SAT proves a model infeasible, solving again with one
assumption literal per rule names the rules that can't be kept together.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp  # type: ignore[import-untyped]
from ortools.sat.python import cp_model

Terms = Mapping[int, int]  # variable index -> coefficient
UNBOUNDED = 2**62  # a bound at or past this is no bound


@dataclass
class LinearModel:
    lower: list[int] = field(default_factory=list)
    upper: list[int] = field(default_factory=list)
    rows: list[tuple[Terms, int, int, str]] = field(default_factory=list)
    objective: dict[int, int] = field(default_factory=dict)

    def var(self, lower: int, upper: int) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        return len(self.lower) - 1

    def add(self, terms: Terms, lower: int, upper: int, rule: str) -> None:
        """lower <= sum(coef * var) <= upper, kept for `rule`."""
        self.rows.append((dict(terms), lower, upper, rule))

    def minimise(self, index: int, weight: int) -> None:
        self.objective[index] = self.objective.get(index, 0) + weight

    def satisfied(self, values: Mapping[int, int]) -> bool:
        """Whether these values keep every bound and constraint (missing values count as 0)."""
        if any(
            not lo <= values.get(i, 0) <= hi
            for i, (lo, hi) in enumerate(zip(self.lower, self.upper, strict=True))
        ):
            return False
        return all(
            lower <= sum(c * values.get(i, 0) for i, c in terms.items()) <= upper
            for terms, lower, upper, _ in self.rows
        )

    def cost(self, values: Sequence[int]) -> int:
        return sum(weight * values[i] for i, weight in self.objective.items())


@dataclass(frozen=True)
class Solved:
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, MODEL_INVALID
    values: Sequence[int]
    objective: float
    best_bound: float
    wall_seconds: float


def solve_cp_sat(
    model: LinearModel,
    *,
    seconds: float,
    workers: int,
    hint: Mapping[int, int] | None = None,
    seed: int = 0,
) -> Solved:
    cp, variables = _to_cp_sat(model, rules=None)
    for index, value in (hint or {}).items():
        cp.add_hint(variables[index], value)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(cp)
    name = solver.status_name(status)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return Solved(
        status=name,
        values=[solver.value(v) for v in variables] if found else [],
        objective=solver.objective_value if found else float("nan"),
        best_bound=solver.best_objective_bound if found else float("nan"),
        wall_seconds=solver.wall_time,
    )


def conflicting_rules(model: LinearModel, *, seconds: float) -> list[str]:
    """Rule ids whose constraints can't all hold at once (an infeasible subset, not minimal).

    Each rule's constraints are switched on by one literal assumed true; CP-SAT's answer to an
    infeasible model lists the assumptions it needed to prove it (single worker: the core
    extraction runs there)."""
    rules = sorted({rule for *_, rule in model.rows})
    cp, _ = _to_cp_sat(model, rules=rules)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    status = solver.solve(cp)
    if status != cp_model.INFEASIBLE:
        return []
    core = solver.sufficient_assumptions_for_infeasibility()
    return [rules[i] for i in core if 0 <= i < len(rules)]


def _to_cp_sat(
    model: LinearModel, rules: list[str] | None
) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    cp = cp_model.CpModel()
    # Literals created first: their indexes 0..len(rules)-1 are what the core returns.
    switch = {rule: cp.new_bool_var(rule) for rule in rules or ()}
    variables = [
        cp.new_int_var(lo, hi, "") for lo, hi in zip(model.lower, model.upper, strict=True)
    ]
    if switch:
        cp.add_assumptions(list(switch.values()))
    for terms, lower, upper, rule in model.rows:
        expr = cp_model.LinearExpr.weighted_sum([variables[i] for i in terms], list(terms.values()))
        constraint = cp.add_linear_constraint(expr, lower, upper)
        if rule in switch:
            constraint.only_enforce_if(switch[rule])
    cp.minimize(
        cp_model.LinearExpr.weighted_sum(
            [variables[i] for i in model.objective], list(model.objective.values())
        )
    )
    return cp, variables


def solve_lp_relaxation(model: LinearModel) -> tuple[str, float]:
    """GLOP on the same model with every integer variable made continuous."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    infinity = lp.infinity()
    variables = [lp.NumVar(lo, hi, "") for lo, hi in zip(model.lower, model.upper, strict=True)]
    for terms, lower, upper, _ in model.rows:
        row = lp.Constraint(
            lower if lower > -UNBOUNDED else -infinity, upper if upper < UNBOUNDED else infinity
        )
        for i, coef in terms.items():
            row.SetCoefficient(variables[i], coef)
    goal = lp.Objective()
    for i, weight in model.objective.items():
        goal.SetCoefficient(variables[i], weight)
    goal.SetMinimization()
    status = lp.Solve()
    names = {lp.OPTIMAL: "OPTIMAL", lp.INFEASIBLE: "INFEASIBLE", lp.UNBOUNDED: "UNBOUNDED"}
    value = goal.Value() if status == lp.OPTIMAL else float("nan")
    return names.get(status, "NOT_SOLVED"), value
