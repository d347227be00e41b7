"""Build the bundled sample: a fictional agency's reports for three years, made by gknb itself.

    python -m gknb.jobs.dev.make_sample            # rewrites samples/work/

The agency (示例县数据资源局), its figures and its words are the project's own.  Each year's
figures file is written here, the report generated from it (with last year's archived report,
so problems are carried forward), and the report put in the sample inbox as staff would
receive it: 2022 as .docx, 2023 as PDF, 2024 as .docx.  The filled figures file for 2025 waits
in samples/work/figures/, so that the January job run on the sample generates 2025.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from gknb.archive.store import Store
from gknb.jobs.ingest import ingest

from gknb import template as tpl
from gknb.generator import basis as figures_file
from gknb.generator.compose import generate_docx
from gknb.generator.pdf import to_pdf
from gknb.model import Report
from gknb.view import to_view

AGENCY = "示例县数据资源局"
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "work"

# Requests by applicant column: figures of the result rows, and the requests still open at year end.
# Columns: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他.
YEARS = {
    2022: {
        "results": {"disclosed": [12, 3, 0, 0, 1, 0], "partly_disclosed": [4, 1, 0, 0, 0, 0],
                    "withheld_third_party": [1, 0, 0, 0, 0, 0], "unavailable_not_held": [6, 1, 0, 0, 0, 0],
                    "not_processed_petition": [2, 0, 0, 0, 0, 0], "other_no_correction": [1, 0, 0, 0, 0, 0]},
        "carried_out": [2, 0, 0, 0, 0, 0],
        "carried_in": [1, 0, 0, 0, 0, 0],
        "normative": (3, 1, 26), "rules": (0, 0, 0), "licensing": 142, "penalty": 8, "coercion": 0, "fee": "0",
        "review": {"reconsideration": [1, 0, 0, 0], "direct_suit": [0, 0, 0, 0], "suit_after_review": [0, 0, 0, 0]},
        "overview": "2022年，示例县数据资源局以县政务公开专栏和“示例数据”公众号为主要渠道，主动公开机构职能、"
                    "数据开放目录、政务服务事项等信息，全年更新数据开放目录两次。",
        # the agency's first report in gknb: last year's problems written into the figures file
        "previous_problems": [("专栏栏目设置与机构职能调整后不一致", "按新的职能重设专栏栏目")],
        "done": ["2022年3月完成专栏栏目调整，新增“数据开放”“政务服务”两个栏目"],
        "problems": [("数据开放目录更新频次偏低", "按季度更新数据开放目录，新增数据集随时发布"),
                     ("依申请公开答复文书格式不够统一", "制定答复文书模板，由法制股统一审核"),
                     ("政策解读以文字为主，形式较为单一", "增加图解和短视频解读")],
        "fees": {"notices": 0, "amount": 0, "collected": 0},
    },
    2023: {
        "results": {"disclosed": [15, 2, 1, 0, 0, 0], "partly_disclosed": [3, 0, 0, 0, 0, 0],
                    "withheld_process": [1, 0, 0, 0, 0, 0], "unavailable_not_held": [7, 2, 0, 0, 0, 0],
                    "unavailable_to_make": [1, 0, 0, 0, 0, 0], "not_processed_repeat": [1, 0, 0, 0, 0, 0],
                    "other_other": [1, 0, 0, 0, 0, 0]},
        "carried_out": [1, 1, 0, 0, 0, 0],
        "normative": (2, 3, 25), "rules": (0, 0, 0), "licensing": 156, "penalty": 11, "coercion": 1, "fee": "0",
        "review": {"reconsideration": [0, 1, 0, 0], "direct_suit": [1, 0, 0, 0], "suit_after_review": [0, 0, 0, 0]},
        "overview": "2023年，示例县数据资源局围绕公共数据开放和政务服务便利化推进政务公开，"
                    "新开设“数据开放”专题栏目，集中发布公共数据开放清单。",
        "done": ["自2023年第二季度起按季度更新数据开放目录，全年新增数据集37个",
                 "制定依申请公开答复文书模板8类，答复文书统一由法制股审核后发出",
                 "制作图解6期、短视频解读3期"],
        "problems": [("基层数据共享需求响应较慢", "建立乡镇数据需求台账，限时办结"),
                     ("公众号互动留言答复不够及时", "明确专人值守，工作日内答复留言")],
        "fees": {"notices": 1, "amount": 120, "collected": 120},
    },
    2024: {
        "results": {"disclosed": [18, 4, 0, 1, 0, 0], "partly_disclosed": [2, 1, 0, 0, 0, 0],
                    "withheld_third_party": [2, 0, 0, 0, 0, 0], "unavailable_not_held": [5, 1, 0, 0, 0, 0],
                    "unavailable_unclear": [1, 0, 0, 0, 0, 0], "not_processed_publication": [1, 0, 0, 0, 0, 0]},
        "carried_out": [0, 0, 0, 0, 0, 0],
        "normative": (4, 2, 27), "rules": (0, 0, 0), "licensing": 171, "penalty": 9, "coercion": 0, "fee": "0",
        "review": {"reconsideration": [1, 0, 0, 0], "direct_suit": [0, 0, 0, 0], "suit_after_review": [0, 0, 0, 0]},
        "overview": "2024年，示例县数据资源局推进公共数据“一本账”管理，公共数据开放清单与政务公开专栏同步更新，"
                    "全年组织数据开放专题培训4场。",
        "done": ["建立乡镇数据需求台账，全年受理需求52项，平均5个工作日内办结",
                 "确定2名工作人员轮流值守公众号，工作日内答复留言率达到98%"],
        "problems": [("部分数据集缺少字段说明，利用门槛较高", "为开放数据集逐项补充字段说明和样例"),
                     ("数据开放工作的年度评估尚未开展", "委托第三方开展数据开放年度评估")],
        "fees": {"notices": 0, "amount": 0, "collected": 0},
    },
    2025: {
        "results": {"disclosed": [20, 3, 1, 0, 0, 1], "partly_disclosed": [3, 0, 0, 0, 0, 0],
                    "withheld_internal": [1, 0, 0, 0, 0, 0], "unavailable_not_held": [6, 2, 0, 0, 0, 0],
                    "not_processed_confirm": [1, 0, 0, 0, 0, 0]},
        "carried_out": [1, 0, 0, 0, 0, 0],
        "normative": (3, 1, 29), "rules": (0, 0, 0), "licensing": 188, "penalty": 7, "coercion": 0, "fee": "0",
        "review": {"reconsideration": [0, 0, 0, 0], "direct_suit": [0, 0, 0, 0], "suit_after_review": [0, 0, 0, 0]},
        "overview": "2025年，示例县数据资源局把政务公开与数据要素市场化配置改革结合起来，"
                    "在县政务公开专栏增设“公共数据授权运营”信息发布栏目。",
        "done": ["为全部开放数据集补充字段说明和样例数据，数据集平均下载量较上年提高三成",
                 "委托县信息化研究所完成2024年度数据开放评估，评估报告已在专栏公开"],
        "problems": [("授权运营信息公开的内容标准尚不明确", "对照上级要求制定授权运营信息公开清单"),
                     ("乡镇数据专员业务能力参差不齐", "每半年组织一次乡镇数据专员集中培训")],
        "fees": {"notices": 0, "amount": 0, "collected": 0},
    },
}
APPLICANTS = ("natural", "business", "research", "nonprofit", "legal_services", "other")


def figures(year: int, previous: Report | None) -> dict:
    """The year's figures file, consistent by construction (T3-1…T4-1, T3-5, T2-1 hold)."""
    spec = YEARS[year]
    r = Report.empty(AGENCY, year, tpl.load().format_for_year(year))
    result_rows = [row.id for row in tpl.load().table("requests").layout("2021").blocks[0].rows
                   if row.band == "results" and row.id != "total"]
    carried_in = ([previous.value(f"requests.carried_out.{c}") for c in APPLICANTS] if previous
                  else spec["carried_in"])
    for i, col in enumerate(APPLICANTS):
        total = sum(spec["results"].get(row, [0] * 6)[i] for row in result_rows)
        for row in result_rows:
            r.set(f"requests.{row}.{col}", spec["results"].get(row, [0] * 6)[i])
        r.set(f"requests.total.{col}", total)
        r.set(f"requests.carried_in.{col}", carried_in[i])
        r.set(f"requests.carried_out.{col}", spec["carried_out"][i])
        r.set(f"requests.new.{col}", total + spec["carried_out"][i] - carried_in[i])
    for row in tpl.load().table("requests").layout("2021").blocks[0].rows:
        r.set(f"requests.{row.id}.total", sum(r.value(f"requests.{row.id}.{c}") for c in APPLICANTS))
    for group, parts in spec["review"].items():
        for col, v in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            r.set(f"review_litigation.{group}.{col}", v)
        r.set(f"review_litigation.{group}.total", sum(parts))
    for row in ("rules", "normative"):
        issued, repealed, in_force = spec[row]
        base = f"proactive.art20_1.{row}"
        if previous is not None:  # continuity (T2-1): last year's count, plus issued, less repealed
            in_force = previous.value(f"{base}.in_force") + issued - repealed
        r.set(f"{base}.issued", issued)
        r.set(f"{base}.repealed", repealed)
        r.set(f"{base}.in_force", in_force)
    r.set("proactive.art20_5.licensing.decisions", spec["licensing"])
    r.set("proactive.art20_6.penalty.decisions", spec["penalty"])
    r.set("proactive.art20_6.coercion.decisions", spec["coercion"])
    from decimal import Decimal
    r.set("proactive.art20_8.admin_fees.fee_amount", Decimal(spec["fee"]) if "." in spec["fee"] else int(spec["fee"]))
    view = to_view(r)
    for k in ("document", "flags"):
        view.pop(k)
    view["sections"] = {tpl.load().sections[0].key: {"paragraphs": [spec["overview"]]}}  # 总体情况
    previous_problems = YEARS[year - 1]["problems"] if year - 1 in YEARS else spec["previous_problems"]
    view["rectification"] = [{"problem": p, "measure": m, "done": d}
                             for (p, m), d in zip(previous_problems, spec.get("done", []), strict=True)]
    view["problems"] = [{"problem": p, "measure": m} for p, m in spec["problems"]]
    view["fees"] = spec["fees"]
    view["contact"] = {"website": "示例县人民政府门户网站“政务公开”专栏", "office": "示例县数据资源局办公室",
                       "address": "示例县人民路1号", "phone": "0000-1234567"}
    view["signature"] = {"agency": AGENCY, "date": f"{year + 1}年1月20日"}
    return view


def _yaml(view: dict) -> str:
    head = f"# {AGENCY} {view['year']}年度数字文件（虚构机关，文字与数字均由 gknb 项目自拟，仅作演示）\n"
    return head + yaml.safe_dump(view, allow_unicode=True, sort_keys=False, width=1000)


def build(out: Path = SAMPLE) -> None:
    if out.exists():
        shutil.rmtree(out)
    inbox = out / "inbox"
    inbox.mkdir(parents=True)
    kinds = {2022: "docx", 2023: "pdf", 2024: "docx"}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "archive")
        for year in (2022, 2023, 2024, 2025):
            previous = store.get(AGENCY, year - 1) if year > 2022 else None
            text = _yaml(figures(year, previous))
            if year == 2025:  # filled in, waiting for the January job
                target = out / "figures" / AGENCY / "2025.yaml"
                target.parent.mkdir(parents=True)
                target.write_text(text, "utf-8")
                continue
            src = Path(tmp) / f"{year}.yaml"
            src.write_text(text, "utf-8")
            data, doc = generate_docx(figures_file.read(src), previous)
            docx = Path(tmp) / f"{doc.title}.docx"
            docx.write_bytes(data)
            made = to_pdf([docx], Path(tmp))[0] if kinds[year] == "pdf" else docx
            shutil.copy(made, inbox / made.name)
            ingest(store, [made], workers=1)


if __name__ == "__main__":
    build()
    print(f"已生成示例：{SAMPLE}")
