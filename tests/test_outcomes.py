"""Every rule instance ends in a state: on real corpus reports, through the library and the CLI."""

import ast
import json
from pathlib import Path

from gknb import ruleset as rs
from gknb.inputs import load_report
from gknb.rules import State, check, evaluate

from .builders import consistent_report, successor
from .conftest import CORPUS


def gknb(*args):
    from click.testing import CliRunner

    from gknb.cli import main
    return CliRunner().invoke(main, [str(a) for a in args])

ROOT = Path(__file__).resolve().parents[1]
HONGZE = CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf.expected.json"


def by_rule(outcomes, rule_id):
    return [o for o in outcomes if o.rule.id == rule_id]


def test_a_flagged_cell_makes_every_sum_through_it_not_checkable():
    report = load_report(CORPUS / "md" / "上海市科学技术委员会_2024.md")
    flagged = set(report.flags())
    assert flagged  # rows printing more figures than columns: placed, flagged
    outcomes = evaluate(report)
    through = [o for o in outcomes if isinstance(o.rule, rs.SumRule) and not o.rule.cross_year and flagged & set(o.cells)]
    assert through and all(o.state is State.NOT_CHECKABLE for o in through)
    assert all("存疑" in o.note for o in through)
    # The sums that do not touch a flagged figure are still judged.
    assert any(o.state is State.PASSED for o in outcomes if isinstance(o.rule, rs.SumRule))
    # Findings are unchanged: the outcomes carry exactly check()'s violations.
    assert [v for o in outcomes for v in o.violations] == check(report)


def test_a_broken_total_fails_with_both_figures():
    report = load_report(HONGZE)  # an expected.json is a figures file: two totals of table 四 are wrong
    t41 = by_rule(evaluate(report), "T4-1")
    failed = {o.scope: o for o in t41 if o.state is State.FAILED}
    assert sorted(failed) == sorted(["行政复议", "复议后起诉"])
    (v,) = failed["行政复议"].violations
    assert v.printed is not None and v.implied is not None and abs(v.printed - v.implied) == 11
    assert f"= {v.printed}" in v.message and f"= {v.implied}" in v.message
    assert set(v.cells) == set(failed["行政复议"].cells) and "review_litigation.reconsideration.total" in v.cells
    # The group whose total adds up passes.
    assert {o.state for o in t41 if o.scope not in failed} == {State.PASSED}


def test_a_figures_file_gives_not_applicable_for_document_only_rules():
    outcomes = evaluate(load_report(HONGZE))
    document_only = [r for r in rs.load().rules if r.document_only]
    assert document_only
    for rule in document_only:
        (o,) = by_rule(outcomes, rule.id)
        assert o.state is State.NOT_APPLICABLE and o.note
    # The same report as the published PDF: its prose rules are judged.
    doc = load_report(CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf")
    judged = evaluate(doc)
    assert all(o.state is not State.NOT_APPLICABLE for r in document_only if not r.cross_year
               for o in by_rule(judged, r.id))


def test_one_outcome_per_instance_and_cross_year_rules_need_last_year():
    prev = consistent_report(1)
    cur = successor(prev)
    alone, against = evaluate(cur), evaluate(cur, prev)
    for rule in rs.load().sums(cross_year=False):
        scopes = [o.scope for o in by_rule(alone, rule.id)]
        assert scopes == [eq.scope for eq in rule.equations_for(cur.table_formats)] and len(scopes) > 1
    for rule in rs.load().sums(cross_year=True):
        assert {o.state for o in by_rule(alone, rule.id)} == {State.NOT_APPLICABLE}
        assert {o.state for o in by_rule(against, rule.id)} == {State.PASSED}
    assert not [o for o in against if o.state is State.FAILED]


def test_check_json_lists_every_instance_and_the_text_counts_states():
    res = gknb("check", HONGZE, "--json")
    assert res.exit_code == 1
    out = json.loads(res.output)
    states = [o["state"] for o in out["outcomes"]]
    assert set(states) <= {s.value for s in State} and "failed" in states and "not_applicable" in states
    failed = [o for o in out["outcomes"] if o["state"] == "failed"]
    assert [v for o in failed for v in o["violations"] if v["severity"] == "error"][0]["rule"] == "T4-1"
    res = gknb("check", HONGZE)
    line = next(x for x in res.output.splitlines() if x.strip().startswith("规则："))
    n = {s: states.count(s.value) for s in State}
    assert line.strip() == (f"规则：通过 {n[State.PASSED]}，不通过 {n[State.FAILED]}，"
                            f"无法核对 {n[State.NOT_CHECKABLE]}，不适用 {n[State.NOT_APPLICABLE]}")


# --------------------------------------------------------------------------- one reading of the rules

RULE_KEYS = {"left", "right", "each", "exclude", "cross_year", "document_only", "statements", "skip_clauses",
             "any_of", "none_of", "max_similarity", "jump_factor", "contradicting_units", "marker"}
TERM_PREFIXES = ("prev:", "band:")
# Not rule data: the generator's page margins ([generator] page: left, right) share two key names.
NOT_RULE_DATA = {("gknb/generator/settings.py", "'left'"), ("gknb/generator/settings.py", "'right'"),
           ("gknb/generator/wordml.py", "'left'"), ("gknb/generator/wordml.py", "'right'"),
           ("gknb/cliutil.py", ".params")}  # click's Command.params and Context.params: options, not rules


def _readings_of_rule_data(path: Path) -> list[str]:
    """Where a module reads a rule's data: ``.params``, a rule key subscripted or fetched with
    ``.get``, or a term prefix spelled."""
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Attribute) and node.attr == "params":
            out.append(f"{where} .params")
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value in RULE_KEYS:
            out.append(f"{where} [{node.slice.value!r}]")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in RULE_KEYS):
            out.append(f"{where} .get({node.args[0].value!r})")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(TERM_PREFIXES):
            out.append(f"{where} {node.value!r}")
    return out


def test_the_rules_data_is_read_in_exactly_one_module():
    allowed = {ROOT / "gknb" / "ruleset.py", ROOT / "gknb" / "template.py"}  # template.py only stores it
    found = []
    for pkg in ("gknb", "parsers", "archive", "jobs"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            if path not in allowed:
                found += [x for x in _readings_of_rule_data(path)
                          if (x.split(":")[0], x.split(" ")[1].strip("[]")) not in NOT_RULE_DATA]
    assert found == []
    # The scan itself finds what it looks for (guards against a test that cannot fail).
    assert any(".params" in x for x in _readings_of_rule_data(ROOT / "gknb" / "ruleset.py"))
    assert any("'prev:'" in x for x in _readings_of_rule_data(ROOT / "gknb" / "ruleset.py"))
    template_reads = [x for x in _readings_of_rule_data(ROOT / "gknb" / "template.py") if ".params" in x]
    assert template_reads == []  # the loader stores a rule's keys and reads none of them
