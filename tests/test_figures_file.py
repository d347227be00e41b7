"""Figures files against hostile and careless input: every case refused in Chinese, with its line,
as one DocumentError (exit 2), fast and in bounded memory."""

import ast
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from gknb.parsers import DocumentError, parse
from gknb.parsers.figures import MAX_BYTES

from gknb.generator.basis import read
from gknb.model import Report
from gknb.view import to_view

from .test_cli import SAMPLE, gknb

ROOT = Path(__file__).resolve().parents[1]
TEXT = SAMPLE.read_text("utf-8")
LICENSE = "本年处理决定数量: 188"  # a count in the sample (行政许可)
ALIAS = "不支持YAML锚点/别名（&、*）"
TOO_DEEP = "嵌套层数过多（最多20层）"
FULL_WIDTH = "冒号应为半角“:”，而不是全角“：”"
TOO_LARGE = "数字过大（应小于10亿）"


def problem(tmp_path, text: str, name: str = "数字.yaml") -> str:
    """The message of the DocumentError a figures file gives (the test fails if it loads)."""
    path = tmp_path / name
    path.write_text(text, "utf-8")
    with pytest.raises(DocumentError) as e:
        parse(path)
    assert e.value.path == str(path)
    return e.value.problem


def line_of(text: str, needle: str) -> int:
    return next(i for i, s in enumerate(text.splitlines(), 1) if needle in s)


def in_subprocess(path: Path) -> dict:
    """parse(path) in a child with a generous hang guard: its message and peak traced memory."""
    code = (
        "import json, sys, tracemalloc\n"
        "from parsers import DocumentError, parse\n"
        "tracemalloc.start()\n"
        "try:\n"
        "    parse(sys.argv[1]); message = None\n"
        "except DocumentError as e:\n"
        "    message = e.problem\n"
        "print(json.dumps({'message': message, 'peak': tracemalloc.get_traced_memory()[1]}))\n")
    res = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def minimal(cell: str, value: str) -> str:
    """A small JSON figures file with one figure of table 三 given as raw JSON text."""
    return '{"agency": "某局", "year": 2025,\n "requests": {"（七）总计": {\n  "' + cell + '": ' + value + "}}}\n"


# --------------------------------------------------------------------------- the loader's limits

def test_a_yaml_alias_bomb_is_refused_at_its_first_anchor_quickly_and_in_bounded_memory(tmp_path):
    names = "abcdefghi"
    lines = [f'{names[0]}: &{names[0]} ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{n}: &{n} [{', '.join(['*' + p] * 9)}]" for p, n in itertools.pairwise(names)]
    path = tmp_path / "炸弹.yaml"
    path.write_text("\n".join(lines) + "\nagency: *i\nrequests: {}\n", "utf-8")
    out = in_subprocess(path)
    assert out["message"] == f"第1行：{ALIAS}"
    assert out["peak"] < 50_000_000


def test_an_alias_alone_is_refused_with_its_line(tmp_path):
    text = TEXT.replace("agency: 示例县数据资源局", "agency: &a 示例县数据资源局").replace(
        "  office: 示例县数据资源局办公室", "  office: *a")
    assert problem(tmp_path, text) == f"第{line_of(text, 'agency:')}行：{ALIAS}"


@pytest.mark.parametrize("name, text, line", [
    ("flow.yaml", "agency: x\nrequests: " + "[" * 100_000 + "]" * 100_000 + "\n", 2),
    ("block.yaml", "agency: x\nrequests:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(200)), 22),
    ("deep.json", '{"agency": "x",\n "requests": ' + "[" * 100_000 + "]" * 100_000 + "}", 2),
])
def test_deep_nesting_is_refused_before_anything_recurses(tmp_path, name, text, line):
    assert problem(tmp_path, text, name) == f"第{line}行：{TOO_DEEP}"


def test_a_file_past_the_size_limit_is_refused(tmp_path):
    text = TEXT + "#" * MAX_BYTES
    assert "文件过大" in problem(tmp_path, text)


def test_yaml_tags_are_not_constructed(tmp_path):
    text = TEXT.replace("agency: 示例县数据资源局", "agency: !!python/object/apply:os.system [echo]")
    message = problem(tmp_path, text)
    assert "不支持的YAML标记" in message and f"第{line_of(text, 'agency:')}行" in message


# --------------------------------------------------------------------------- numbers

@pytest.mark.parametrize("name, text", [
    ("大.yaml", TEXT.replace(LICENSE, "本年处理决定数量: 1e999999999")),
    ("大.json", minimal("总计", "1e999999999")),
])
def test_a_huge_exponent_is_too_large_and_never_becomes_an_int(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    message = in_subprocess(path)["message"]
    line = line_of(text, "1e999999999")
    assert message.startswith("数字文件有误") and TOO_LARGE in message and f"（第{line}行）" in message


@pytest.mark.parametrize("name, text", [
    ("长.yaml", TEXT.replace(LICENSE, "本年处理决定数量: " + "9" * 5000)),
    ("长.json", minimal("总计", "9" * 5000)),
])
def test_a_5000_digit_integer_is_too_large_not_a_traceback(tmp_path, name, text):
    message = problem(tmp_path, text, name)
    assert TOO_LARGE in message and f"（第{line_of(text, '9' * 5000)}行）" in message
    assert len(message) < 300  # the number is not echoed whole


@pytest.mark.parametrize("name, text", [
    ("inf.json", minimal("总计", "1e309")),
    ("inf.yaml", TEXT.replace(LICENSE, "本年处理决定数量: 1e309")),
])
def test_1e309_is_too_large(tmp_path, name, text):
    message = problem(tmp_path, text, name)
    assert TOO_LARGE in message and f"（第{line_of(text, '1e309')}行）" in message


def test_a_negative_count_is_refused(tmp_path):
    text = TEXT.replace(LICENSE, "本年处理决定数量: -3")
    message = problem(tmp_path, text)
    assert "行政许可/本年处理决定数量：应为非负整数，实为“-3”" in message
    assert f"（第{line_of(text, '本年处理决定数量: -3')}行）" in message


def test_a_fractional_count_is_refused(tmp_path):
    message = problem(tmp_path, minimal("总计", "1.5"), "分数.json")
    assert "应为整数，实为“1.5”（第3行）" in message


def test_the_2019_change_column_may_be_negative_but_no_other(tmp_path):
    view = to_view(Report.empty("某局", 2019, "2019"))
    view["proactive"]["第二十条第（五）项"]["行政许可"]["本年增/减"] = -3
    (tmp_path / "可负.json").write_text(json.dumps(view, ensure_ascii=False), "utf-8")
    assert parse(tmp_path / "可负.json").value("proactive.art20_5.licensing.change") == -3
    view["proactive"]["第二十条第（一）项"]["规章"]["本年新制作数量"] = -3
    text = json.dumps(view, ensure_ascii=False, indent=1)
    message = problem(tmp_path, text, "不可负.json")
    assert "规章/本年新制作数量：应为非负整数" in message and "本年增/减" not in message


def test_amounts_in_wan_yuan_take_decimals_but_not_too_many(tmp_path):
    fee = "本年收费金额（单位：万元）: 0"
    path = tmp_path / "金额.yaml"
    path.write_text(TEXT.replace(fee, "本年收费金额（单位：万元）: 12.5"), "utf-8")
    assert str(parse(path).value("proactive.art20_8.admin_fees.fee_amount")) == "12.5"
    text = TEXT.replace(fee, "本年收费金额（单位：万元）: 1.1234567")
    message = problem(tmp_path, text)
    # the label's own "：" is not taken for a mistyped colon
    assert "小数位数过多（最多6位）" in message and FULL_WIDTH not in message
    assert f"（第{line_of(text, '1.1234567')}行）" in message


def test_leading_zeros_are_decimal_not_octal_and_text_keeps_them(tmp_path):
    path = tmp_path / "零.yaml"
    path.write_text(TEXT.replace(LICENSE, "本年处理决定数量: 010").replace(
        "phone: 0000-1234567", "phone: 0101234567"), "utf-8")
    figures = read(path)
    assert figures.report.value("proactive.art20_5.licensing.decisions") == 10
    assert figures.contact.phone == "0101234567"


# --------------------------------------------------------------------------- shapes and meta keys

def test_a_table_that_is_not_a_mapping_is_a_problem_not_a_stopiteration(tmp_path):
    text = "agency: 某局\nyear: 2025\nrequests: 5\n"
    assert problem(tmp_path, text) == "数字文件有误：\n  requests：应为键值表（按行、列标签填写数字），实为“5”（第3行）"
    text = "agency: 某局\nyear: 2025\nrequests:\n  （七）总计: 5\n"
    assert "requests/（七）总计：应为键值表（下一级为各列的标签），实为“5”（第4行）" in problem(tmp_path, text)


def test_year_true_is_not_a_year(tmp_path):
    text = TEXT.replace("year: 2025", "year: true")
    message = problem(tmp_path, text)
    assert "year：应为整数年份（如 2025），实为“true”（第3行）" in message
    assert "True年度" not in message


def test_year_minus_5_is_out_of_range(tmp_path):
    text = TEXT.replace("year: 2025", "year: -5")
    assert "year：年份应在2000至2100之间，实为“-5”（第3行）" in problem(tmp_path, text)


def test_an_empty_object_is_not_a_figures_file(tmp_path):
    path = tmp_path / "空.json"
    path.write_text("{}", "utf-8")
    with pytest.raises(DocumentError, match="数字文件中没有任何数字或正文"):
        parse(path)
    res = gknb("check", path)
    assert res.returncode == 2 and "数字文件中没有任何数字或正文" in res.stderr and "Traceback" not in res.stderr


def test_a_drafted_file_with_every_figure_blank_is_still_usable(tmp_path):
    path = tmp_path / "空白.yaml"
    path.write_text("agency: 某局\nyear: 2025\nrequests:\n  （七）总计:\n    总计: null\n", "utf-8")
    assert parse(path).cells["requests.total.total"].state == "blank"


# --------------------------------------------------------------------------- duplicates

def test_a_duplicate_key_in_yaml_is_named_with_both_lines(tmp_path):
    text = TEXT.replace("    行政强制:\n", "    行政处罚:\n")
    first, second = [i for i, s in enumerate(text.splitlines(), 1) if s == "    行政处罚:"]
    message = problem(tmp_path, text)
    assert f"键“行政处罚”重复（第{first}行和第{second}行）" in message


def test_a_duplicate_key_in_json_is_named_with_both_lines(tmp_path):
    text = '{"agency": "某局",\n "year": 2025,\n "requests": {"（七）总计": {"总计": 1,\n  "总计": 2}}}'
    assert "requests/（七）总计/总计：键“总计”重复（第3行和第4行）" in problem(tmp_path, text, "重复.json")


# --------------------------------------------------------------------------- syntax in Chinese

@pytest.mark.parametrize("old, new", [
    ("    商业企业: 5\n", "    商业企业：5\n"),  # mid-mapping: PyYAML stops on the next line
    ("    总计: 39\n", "    总计：39\n"),  # last of its mapping
    ("year: 2025", "year：2025"),  # top level
])
def test_a_full_width_colon_is_named_on_its_own_line(tmp_path, old, new):
    text = TEXT.replace(old, new, 1)
    assert problem(tmp_path, text) == f"第{line_of(text, new.strip())}行：{FULL_WIDTH}"


def test_yaml_syntax_errors_are_chinese_with_their_line(tmp_path):
    text = TEXT.replace("  website:", "\twebsite:")
    assert problem(tmp_path, text) == f"第{line_of(text, chr(9))}行：YAML格式错误：不能用制表符（Tab）缩进，请用空格"


def test_json_syntax_errors_are_chinese_with_their_line(tmp_path):
    text = '{"agency": "某局",\n "year" 2025}'
    assert problem(tmp_path, text, "坏.json") == "第2行：JSON格式错误（第9列）：缺少“:”"


# --------------------------------------------------------------------------- the generator's keys

def test_mistakes_in_the_extras_are_reported_by_parse_and_check(tmp_path):
    text = TEXT.replace("fees:\n  notices: 0\n  amount: 0\n  collected: 0\n", "fees: 5\n")
    expected = f"fees：应为键值表（notices、amount、collected），实为“5”（第{line_of(text, 'fees: 5')}行）"
    assert expected in problem(tmp_path, text)
    res = gknb("check", tmp_path / "数字.yaml")
    assert res.returncode == 2 and expected in res.stderr and "Traceback" not in res.stderr


def test_every_problem_of_a_file_is_reported_together(tmp_path):
    text = TEXT.replace("year: 2025", "year: true").replace(LICENSE, "本年处理决定数量: -3").replace(
        "  notices: 0", "  notices: 1e999999999")
    message = problem(tmp_path, text)
    lines = message.splitlines()[1:]
    assert len(lines) == 3 and [ln.split("：")[0].strip() for ln in lines] == \
        ["year", "proactive/第二十条第（五）项/行政许可/本年处理决定数量", "fees/notices"]  # in file order


def test_the_bundled_sample_loads_with_its_extras():
    figures = read(SAMPLE)
    assert figures.report.agency == "示例县数据资源局" and figures.report.year == 2025
    assert figures.report.value("proactive.art20_5.licensing.decisions") == 188
    assert len(figures.rectification) == 2 and len(figures.problems) == 2
    assert figures.fees.notices == 0 and figures.contact.phone == "0000-1234567"
    assert figures.report.source.kind == "figures"


def test_parsers_and_the_view_do_not_import_the_generator():
    files = [*(ROOT / "parsers").glob("*.py"), ROOT / "gknb" / "view.py", ROOT / "gknb" / "extras.py"]
    for f in files:
        for node in ast.walk(ast.parse(f.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.startswith("gknb.generator") for n in names), f


@pytest.mark.parametrize("text,yaml_syntax", [
    ('{"agency": "某局", "year": 2024, "requests": {"一、本年新收政府信息公开申请数量": {"总计": 1e999999999999999999999}}}',
     False),
    ("agency: 某局\nyear: 2024\nrequests:\n  一、本年新收政府信息公开申请数量:\n    总计: 1e999999999999999999999\n", True),
], ids=["json", "yaml"])
def test_a_number_no_decimal_holds_is_refused_not_a_traceback(text, yaml_syntax):
    """Found by the fuzzer: an exponent beyond what Decimal accepts."""
    from gknb.parsers import DocumentError
    from gknb.parsers.figures import load
    with pytest.raises(DocumentError) as e:
        load(text.encode("utf-8"), "数字.yaml", yaml_syntax=yaml_syntax)
    assert "数字" in e.value.problem
