"""Hand-made reports for tests: consistent figure sets that satisfy every rule."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import yaml

from gknb import template as tpl
from gknb.model import Report, Section

PROBLEMS = ["栏目更新不及时", "政策解读形式单一", "依申请公开答复格式不统一", "基层公开标准不够细",
            "网站信息发布审核流程较长", "公开内容与群众需求结合不紧", "人员业务培训不足", "图解材料偏少"]
MEASURES = ["建立栏目巡查制度", "丰富解读形式，增加视频和图解", "统一答复文书格式", "细化基层公开目录",
            "优化审核流程", "开展需求调查", "每季度组织一次业务培训", "加强与媒体合作"]


def consistent_report(seed: int = 1, *, agency: str = "测试县某局", year: int = 2025, fmt: str = "2021",
                      carried_in: list[int] | None = None) -> Report:
    """Random figures that satisfy T3-1…T4-1 (and T3-5 against ``carried_in``)."""
    rnd = random.Random(seed)
    r = Report.empty(agency, year, fmt)
    t = tpl.load()
    req = t.table("requests").layout(r.table_formats["requests"])
    block = req.blocks[0]
    applicant_cols = [c for c in block.columns if c.id != "total"]
    result_rows = [row for row in block.rows if row.band == "results" and row.id != "total"]
    cin = carried_in or [rnd.randint(0, 2) for _ in applicant_cols]
    for i, col in enumerate(applicant_cols):
        results = {row.id: rnd.choice([0, 0, 1, 2, 5]) for row in result_rows}
        for rid, v in results.items():
            r.set(f"requests.{rid}.{col.id}", v)
        total = sum(results.values())
        out = rnd.randint(0, 2)
        r.set(f"requests.total.{col.id}", total)
        r.set(f"requests.carried_in.{col.id}", cin[i])
        r.set(f"requests.carried_out.{col.id}", out)
        r.set(f"requests.new.{col.id}", total + out - cin[i] if total + out >= cin[i] else 0)
        if total + out < cin[i]:  # keep T3-1: raise the outgoing count instead
            r.set(f"requests.carried_out.{col.id}", cin[i] - total)
    for row in block.rows:
        r.set(f"requests.{row.id}.total", sum(r.value(f"requests.{row.id}.{c.id}") for c in applicant_cols))
    for group in ("reconsideration", "direct_suit", "suit_after_review"):
        parts = [rnd.randint(0, 3) for _ in range(4)]
        for col, v in zip(("upheld", "corrected", "other", "pending"), parts):
            r.set(f"review_litigation.{group}.{col}", v)
        r.set(f"review_litigation.{group}.total", sum(parts))
    for cdef in t.table("proactive").layout(r.table_formats["proactive"]).cells:
        r.set(cdef.id, Decimal("12.5") if cdef.column.type == "decimal" else rnd.randint(0, 30))
    r.sections = {
        "一": Section("一", "一、总体情况", [
            f"本年度共收到政府信息公开申请{r.value('requests.new.total')}件。"]),
        "五": Section("五", "五、存在的主要问题及改进情况", [
            f"（一）上年度问题整改情况。针对上年度{rnd.choice(PROBLEMS)}的问题，已整改完成。",
            f"（二）存在的主要问题及改进措施。一是{rnd.choice(PROBLEMS)}；二是{rnd.choice(PROBLEMS)}。"
            f"下一步，{rnd.choice(MEASURES)}，{rnd.choice(MEASURES)}。"]),
        "六": Section("六", "六、其他需要报告的事项", ["本机关本年度未收取信息处理费。"]),
        **{k: Section(k, tpl.load().section(k).heading, []) for k in ("二", "三", "四")},
    }
    return r


def successor(prev: Report, seed: int = 2) -> Report:
    """Next year's consistent report, continuing ``prev`` (T3-5 and T2-1 hold)."""
    cols = [c for c in tpl.load().table("requests").blocks[0].columns if c.id != "total"]
    nxt = consistent_report(seed, agency=prev.agency, year=prev.year + 1,
                            carried_in=[prev.value(f"requests.carried_out.{c.id}") for c in cols])
    for row in ("rules", "normative"):
        base = f"proactive.art20_1.{row}"
        in_force = prev.value(f"{base}.in_force") + nxt.value(f"{base}.issued")
        # no more repealed than were in force: counts stay non-negative over any run of years
        repealed = min(nxt.value(f"{base}.repealed"), in_force)
        nxt.set(f"{base}.repealed", repealed)
        nxt.set(f"{base}.in_force", in_force - repealed)
    return nxt


def fill(path: Path) -> None:
    """Fill a drafted figures file the way staff would: every blank figure, what was done."""
    data = yaml.safe_load(path.read_text("utf-8"))

    def zeros(node):
        return {k: zeros(v) for k, v in node.items()} if isinstance(node, dict) else (0 if node is None else node)

    for table in ("proactive", "requests", "review_litigation"):
        data[table] = zeros(data[table])
    # what came in from last year is still pending: carried out again, so every sum holds
    carried_in, carried_out = (tpl.load().cell(f"requests.{r}.total").json_path[0] for r in ("carried_in", "carried_out"))
    data["requests"][carried_out] = dict(data["requests"][carried_in])
    for item in data["rectification"]:
        item["done"] = "已制定整改方案并完成整改。"
    data["problems"] = [{"problem": "栏目更新仍不够及时", "measure": "建立每周巡查制度"}]
    data["fees"] = {"notices": 0, "amount": 0, "collected": 0}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def edited_copy(source: Path, old: str, new: str, folder: Path) -> Path:
    """A copy of a real text document (a web page, a crawler text) in ``folder``, under its own
    name, with ``old`` (which must be in it) replaced by ``new``."""
    text = source.read_text("utf-8")
    assert old in text, (source.name, old)
    path = folder / source.name
    path.write_text(text.replace(old, new), "utf-8")
    return path
