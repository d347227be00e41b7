"""The figures file for a new year, prefilled from last year's archived report.

What the archive says is filled in (二、上年结转 from last year's 四、结转下年度继续办理,
现行有效件数 as a starting point, last year's problems with their planned measures); every
other figure is left blank (null), never guessed.  The file is YAML in the JSON view's layout
with the official labels, commented in Chinese for the person who fills it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from gknb import template as tpl
from gknb.archive.store import Store
from gknb.model import Report
from gknb.view import to_view

from . import carry
from .basis import FIELDS


@dataclass
class Draft:
    view: dict[str, Any]
    notes: list[str] = field(default_factory=list)  # what could not be carried forward
    carried: list[carry.Carried] = field(default_factory=list)


def draft(agency: str, year: int, store: Store | None) -> Draft:
    t = tpl.load()
    fmt = t.format_for_year(year)
    if not t.formats[fmt].has_tables:
        raise ValueError(f"{year}年度适用{t.formats[fmt].name}，没有统一的表格可以预填")
    report = Report.empty(agency, year, fmt)
    previous = store.get(agency, year - 1) if store is not None and store.root.exists() else None
    out = Draft({})
    rectification: list[carry.Rectified] = []
    if previous is None:
        out.notes.append(f"档案中没有{agency}{year - 1}年度报告：上年结转、现行有效件数和上年度问题未能预填")
    else:
        out.carried = carry.apply(report, previous)
        blank = [c for c in out.carried if c.value is None and c.doubt is None]
        if blank:  # blank, or absent from last year's table (another format)
            out.notes.append(f"{year - 1}年度报告中没有这些数字，未能沿用：" + "、".join(_label(c.source) for c in blank))
        doubtful = [c for c in out.carried if c.doubt is not None]
        if doubtful:
            out.notes.append(f"{year - 1}年度报告中这些数字存疑，未预填，请核实后填写（或先用 gknb fix 核定上年数字）："
                             + _doubts(doubtful))
        rectification = carry.last_problems(previous)
        if not rectification:
            out.notes.append(f"未能从{year - 1}年度报告第五部分读出问题：请在 rectification 中自行列出上年度问题")
    view = to_view(report)
    for key in ("document", "flags", "absent"):
        view.pop(key, None)
    view["sections"] = {s.key: {"paragraphs": []} for s in tpl.load().prose_sections}
    view["rectification"] = [{"problem": r.problem, "measure": r.measure, "done": None} for r in rectification]
    view["problems"] = []
    view["fees"] = dict.fromkeys(FIELDS["fees"])
    view["contact"] = {**dict.fromkeys(FIELDS["contact"]), **(carry.last_contact(previous) if previous else {})}
    view["signature"] = {"agency": agency, "date": None}
    out.view = view
    return out


def _doubts(carried: list[carry.Carried]) -> str:
    """Last year's doubtful figures, one entry per row and doubt: each column with what was read."""
    t = tpl.load()
    rows: dict[tuple[tuple[str, ...], str], list[str]] = {}
    for c in carried:
        path = t.cell(c.source).json_path
        read = "未读出" if c.value is None else f"读为 {c.value}"
        rows.setdefault((path[:-1], c.doubt or ""), []).append(f"{path[-1]} {read}")
    return "；".join(f"{'/'.join(row)}：{'、'.join(cols)}（{doubt}）" for (row, doubt), cols in rows.items())


def _label(cell_id: str) -> str:
    c = tpl.load().cell(cell_id)
    return "/".join(c.json_path)


# --------------------------------------------------------------------------- YAML with comments

def dump(d: Draft) -> str:
    """The draft as YAML, each part under a comment saying what to write there."""
    t = tpl.load()
    v = d.view
    lines = [f"# {v['agency']} {v['year']}年度数字文件（由 gknb draft 预填；空白为 null，请填写后用 gknb generate 生成报告）",
             "# 空白不等于0：没有发生的事项请填 0，不要留空。"]
    lines += [f"# 注意：{n}" for n in d.notes]
    carried = {}
    for c in d.carried:
        if c.usable:
            carried.setdefault(t.cell(c.cell).table, []).append(c)
    comments = {
        "sections": ["各部分的文字（可选）：写在 一（总体情况）、六（其他需要报告的事项）的 paragraphs 下，每段一项。",
                     "表格数字的句子和信息处理费的句子由 gknb 按表格和 fees 生成，不必重复。"],
        "rectification": ["上年度问题整改情况：每个问题写明 done（采取了哪些整改措施、效果如何）。",
                          "未写的在报告中留“【待填写】”，gknb check 会报告。"],
        "problems": ["本年度存在的主要问题及改进措施，每项一条，例如：",
                     "  - problem: 政策解读形式较为单一", "    measure: 增加图解和视频解读"],
        "fees": ["信息处理费：notices 发出收费通知件数，amount 通知金额（元），collected 实际收取金额（元）；未收取的都填 0。"],
        "contact": ["报告开头的发布和联系信息（可选）：website 网站，office 联系机构，address 地址，phone 电话。"],
        "signature": ["落款：agency 机关署名（全称），date 成文日期（如 2026年1月20日）。"],
    }
    for tid, table in t.tables.items():
        comments[tid] = [t.section(table.section).heading, *_carried_comments(carried.get(tid, []))]
    for key, value in v.items():
        lines += [f"# {c}" for c in comments.get(key, [])]
        lines.append(yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, default_flow_style=False,
                                    width=1000).rstrip("\n"))
    return "\n".join(lines) + "\n"


def _carried_comments(carried: list[carry.Carried]) -> list[str]:
    """One line per carried row ("各栏" when a row comes from another row of last year's), else per cell."""
    t = tpl.load()
    lines: dict[str, None] = {}
    for c in carried:
        target, source = t.cell(c.cell).json_path, t.cell(c.source).json_path
        if target[:-1] != source[:-1] and target[-1] == source[-1]:
            line = f"{'/'.join(target[:-1])}（各栏）：按上年“{'/'.join(source[:-1])}”预填"
        else:
            line = f"{'/'.join(target)}：按上年数字预填"
        if c.adjust:
            line += f"，请再按{'、'.join(t.cell(a).json_path[-1] for a in c.adjust)}调整"
        lines[line] = None
    return list(lines)
