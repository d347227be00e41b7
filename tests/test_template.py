"""The template data: the official form's shape as FORMAT.md gives it."""

import ast
import re
from pathlib import Path

from gknb import template as tpl


def test_table_three_has_25_rows_of_7_columns_in_2021_and_23_in_2019():
    t = tpl.load().table("requests")
    assert len(t.layout("2021").cells) == 25 * 7
    assert len(t.layout("2019").cells) == 23 * 7
    assert [c.label for c in t.blocks[0].columns] == ["自然人", "商业企业", "科研机构", "社会公益组织",
                                                      "法律服务机构", "其他", "总计"]


def test_table_two_blocks_per_format():
    t = tpl.load().table("proactive")
    assert [b.caption for b in t.layout("2021").blocks] == [
        "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    assert [b.caption for b in t.layout("2019").blocks][-1] == "第二十条第（九）项"
    fee = tpl.load().cell("proactive.art20_8.admin_fees.fee_amount")
    assert fee.column.unit == "万元" and fee.column.type == "decimal"


def test_table_four_is_fifteen_figures():
    assert len(tpl.load().table("review_litigation").layout("2021").cells) == 15


def test_cell_ids_are_unique_and_json_paths_distinct_within_a_layout():
    for table in tpl.load().tables.values():
        for fmt in tpl.TABLE_FORMATS:
            cells = table.layout(fmt).cells
            assert len({c.id for c in cells}) == len(cells)
            assert len({c.json_path for c in cells}) == len(cells)


def test_a_cell_id_means_one_label_path_in_every_format():
    paths = {}
    for table in tpl.load().tables.values():
        for fmt in tpl.TABLE_FORMATS:
            for c in table.layout(fmt).cells:
                assert paths.setdefault(c.id, c.json_path) == c.json_path, c.id


def test_grouped_rows_are_keyed_with_their_group():
    c = tpl.load().cell("requests.other_no_fee.total")
    assert c.json_path[0] == "（六）其他处理/2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"


def test_every_rule_of_format_md_is_defined_with_its_severity():
    rules = {r.id: r.severity for r in tpl.load().rules}
    for rid in ("T3-1", "T3-2", "T3-3", "T3-4", "T3-5", "T4-1"):
        assert rules[rid] == "error"
    for rid in ("T2-1", "T2-2", "X-1", "S5-1", "S5-2", "S6-1"):
        assert rules[rid] == "warning"


def test_format_for_year():
    t = tpl.load()
    assert t.format_for_year(2017) == "pre2019"
    assert t.format_for_year(2020) == "2019"
    assert t.format_for_year(2021) == "2021"
    assert t.format_for_year(2030) == "2021"
    assert not t.formats["pre2019"].has_tables


def test_sections_with_variants():
    s = tpl.load().section("四")
    assert "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况" in s.headings
    assert tpl.load().section("五").heading == "五、存在的主要问题及改进情况"


# --------------------------------------------------------------------------- the template is read, not spelled

ROOT = Path(__file__).resolve().parents[1]
CODE = ("gknb", "parsers", "archive", "jobs")


def _section_keys_addressed(path: Path, keys: set[str]) -> list[str]:
    """Where code addresses a section by its printed key: ``x["五"]``, ``f("五")``, ``{"一": …}``,
    ``"五" in x``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        used: list[ast.expr] = []
        if isinstance(node, ast.Subscript):
            used = [node.slice]
        elif isinstance(node, ast.Call):
            used = list(node.args)
        elif isinstance(node, ast.Dict):
            used = [k for k in node.keys if k is not None]
        elif isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            used = [node.left]
        out += [f"{path.name}:{node.lineno} {u.value!r}" for u in used
                if isinstance(u, ast.Constant) and u.value in keys]
    return out


def test_no_code_addresses_a_section_by_its_key():
    keys = {s.key for s in tpl.load().sections}
    found = [x for pkg in CODE for p in sorted((ROOT / pkg).rglob("*.py")) for x in _section_keys_addressed(p, keys)]
    assert found == []


def test_the_section_key_scan_finds_what_it_looks_for(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text('a = r.section_text("五")\nb = s["六"]\nc = {"一": 1}\nd = "五" in s\nok = "\\u4e00" <= c\n',
                     "utf-8")
    found = _section_keys_addressed(probe, {"一", "五", "六"})
    assert found == ["probe.py:1 '五'", "probe.py:2 '六'", "probe.py:3 '一'", "probe.py:4 '五'"]


def _imports_tomllib(path: Path) -> bool:
    return any(isinstance(n, ast.Import) and any(a.name == "tomllib" for a in n.names)
               or isinstance(n, ast.ImportFrom) and n.module == "tomllib" for n in ast.walk(ast.parse(path.read_text("utf-8"))))


def test_the_data_file_is_read_by_the_template_module_alone():
    readers = [str(p.relative_to(ROOT)) for pkg in CODE for p in sorted((ROOT / pkg).rglob("*.py")) if _imports_tomllib(p)]
    assert readers == ["gknb/template.py"]


def test_the_problems_and_closing_sections_come_from_the_data():
    t = tpl.load()
    assert t.problems_section.rectification_heading and t.problems_section.heading.startswith(t.problems_section.key)
    assert t.closing_section is t.sections[-1]
    assert all(s.table is None for s in t.prose_sections) and t.problems_section not in t.prose_sections
    v = t.vocabulary
    assert "万元" in v.units and v.units.index("万元") < v.units.index("元")  # longest first
    assert re.search(v.ending_pattern(), "示例县数据资源局") and not re.search(v.ending_pattern(), "总体情况")
