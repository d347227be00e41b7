"""Search benchmark (``make bench``): every figure and ratio measured in one run on a synthetic archive.

10,000 reports (1,000 agencies × 2016–2025, in all three formats, random figures and varied
Chinese prose) are written as archive XML; the index is built from them; then samples of
queries of 1, 2, 3 and 12 characters cut from the text are timed (p50 / p95, wall and CPU),
the short ones interleaved with the scan they used to cost, and one query a length
interleaved with a scan of the XML files that finds the same parts.  Also timed: building
the index, the freshness check every search makes, the update after one report changes.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

from gknb.archive.store import Store, agency_dirname
from gknb.archive.xml import to_xml
from gknb.jobs.dev.timing import Timing, interleaved, machine, percentile, ratio
from lxml import etree

from gknb import template as tpl
from gknb.model import Report, Section
from gknb.search import db
from gknb.search.fulltext import search
from gknb.search.grams import SHORT
from gknb.search.index import Index

AGENCIES = int(os.environ.get("GKNB_BENCH_SEARCH_AGENCIES", "1000"))  # × 10 years: 10,000 reports
YEARS = range(2016, 2026)
NS = {"a": "urn:gknb:archive:1"}

_PLACES = list("东南西北中上下新长永安宁平和兴隆丰泰华阳山河湖海江清云金石白青桃柳")
_KINDS = ["县", "区", "市", "镇", "乡", "街道"]
_BODIES = ["人民政府", "人民政府办公室", "财政局", "教育局", "卫生健康委员会", "生态环境局", "交通运输局",
           "自然资源局", "市场监督管理局", "应急管理局", "数据资源局", "住房和城乡建设局", "民政局", "司法局"]
_TOPICS = ["政务公开标准化规范化", "重点领域信息公开", "政策解读", "依申请公开办理", "政府网站集约化",
           "政务新媒体管理", "基层政务公开", "规范性文件清理", "政府开放日活动", "信息公开保密审查",
           "行政规范性文件库", "主动公开目录", "惠民惠农财政补贴信息", "公共资源配置信息", "预决算公开"]
_ACTS = ["持续推进", "不断深化", "认真落实", "着力加强", "扎实开展", "进一步完善", "积极探索", "全面梳理"]
_RESULTS = ["群众满意度明显提升", "公开质量稳步提高", "答复规范性进一步增强", "信息发布更加及时准确",
            "政民互动渠道更加畅通", "政策知晓率不断提高"]
_PROBLEMS = ["栏目更新不及时", "政策解读形式单一", "依申请公开答复格式不统一", "基层公开标准不够细",
             "网站信息发布审核流程较长", "公开内容与群众需求结合不紧", "人员业务培训不足", "图解材料偏少"]
_MEASURES = ["建立栏目巡查制度", "丰富解读形式，增加视频和图解", "统一答复文书格式", "细化基层公开目录",
             "优化审核流程", "开展需求调查", "每季度组织一次业务培训", "加强与媒体合作",
             "开展政务公开第三方评估工作"]


_UNITS = ["社区", "村", "街道", "园区", "片区"]
_SITES = ["政务公开专区", "政府信息查阅点", "政策咨询窗口", "公开意见箱", "便民服务站"]


def agency_name(i: int) -> str:
    rnd = random.Random(i)
    return f"{rnd.choice(_PLACES)}{rnd.choice(_PLACES)}{rnd.choice(_KINDS)}{rnd.choice(_BODIES)}{i:04d}"


def _sentence(rnd: random.Random, year: int) -> str:
    kind = rnd.randrange(6)
    if kind == 0:
        return f"{year}年，本机关{rnd.choice(_ACTS)}{rnd.choice(_TOPICS)}工作，{rnd.choice(_RESULTS)}。"
    if kind == 1:
        return f"全年主动公开政府信息{rnd.randint(10, 9000)}条，其中{rnd.choice(_TOPICS)}{rnd.randint(1, 500)}条。"
    if kind == 2:
        return (f"共收到政府信息公开申请{rnd.randint(0, 900)}件，办结{rnd.randint(0, 900)}件，"
                f"因政府信息公开引起的行政复议{rnd.randint(0, 9)}件、行政诉讼{rnd.randint(0, 9)}件。")
    if kind == 3:
        return f"{rnd.choice(_ACTS)}{rnd.choice(_TOPICS)}，{rnd.choice(_ACTS)}{rnd.choice(_TOPICS)}。"
    if kind == 4:
        return f"针对{rnd.choice(_PROBLEMS)}的问题，{rnd.choice(_MEASURES)}，{rnd.choice(_RESULTS)}。"
    place = rnd.choice(_PLACES) + rnd.choice(_PLACES)
    return f"在{place}{rnd.choice(_UNITS)}设立{rnd.choice(_SITES)}，{rnd.choice(_RESULTS)}。"


def _paragraphs(rnd: random.Random, year: int, n: int) -> list[str]:
    return ["".join(_sentence(rnd, year) for _ in range(rnd.randint(2, 6))) for _ in range(n)]


def synthetic_report(i: int, year: int) -> Report:
    """A report with random figures (some blank) and varied prose; deterministic in (i, year)."""
    rnd = random.Random(i * 10_000 + year)
    agency = agency_name(i)
    t = tpl.load()
    r = Report.empty(agency, year, t.format_for_year(year))
    for cdef in r.cell_defs():
        if rnd.random() < 0.05:
            r.set(cdef.id, None)
        elif cdef.column.type == "decimal":
            r.set(cdef.id, Decimal(f"{rnd.randint(0, 9999)}.{rnd.randint(0, 99):02d}"))
        elif cdef.column.type == "signed_int":
            r.set(cdef.id, rnd.randint(-9, 9))
        else:
            r.set(cdef.id, rnd.choice([0, 0, 1, 2, 3, 5, 8, 13, rnd.randint(0, 999)]))
    r.title = f"{agency}{year}年度政府信息公开工作年度报告"
    r.preamble = [(f"本报告根据《中华人民共和国政府信息公开条例》要求编制，所列数据的统计期限自{year}年1月1日起至"
                   f"{year}年12月31日止。")]
    for sec in t.sections:
        paragraphs = [] if sec.table and r.has_tables else _paragraphs(rnd, year, rnd.randint(1, 4))
        r.sections[sec.key] = Section(sec.key, sec.heading, paragraphs)
    return r


def _write(root: str, i: int) -> None:
    for year in YEARS:
        path = Path(root) / "reports" / agency_dirname(agency_name(i)) / f"{year}.xml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(to_xml(synthetic_report(i, year)))


def build_archive(root: Path) -> None:
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(_write, [str(root)] * AGENCIES, range(AGENCIES), chunksize=20))


# --------------------------------------------------------------------------- the scan baseline

def scan(root: Path, query: str) -> int:
    """Parts containing ``query``, found by reading and parsing every XML file (no index)."""
    hits = 0
    for path in sorted((root / "reports").glob("*/*.xml")):
        doc = etree.fromstring(path.read_bytes())
        texts = []
        title = doc.find("a:title", NS)
        if title is not None:
            texts.append(title.text or "")
        pre = doc.find("a:preamble", NS)
        if pre is not None:
            texts.append("\n".join(p.text or "" for p in pre.findall("a:p", NS)))
        for sec in doc.findall("a:section", NS):
            h = sec.find("a:heading", NS)
            texts.append("\n".join(([h.text] if h is not None and h.text else [])
                                   + [p.text or "" for p in sec.findall("a:p", NS)]))
        hits += sum(query in t for t in texts)
    return hits


def old_search(conn, query: str, limit: int = 20) -> int:
    """How 1- and 2-character queries were answered before they were indexed (ranked, counted; no
    snippets): instr() over every stored text, the occurrences counted by replace()."""
    source = "FROM texts t JOIN parts p ON p.id = t.id WHERE instr(t.text, :q) > 0"
    count = ("(length(CAST(t.text AS BLOB)) - length(CAST(replace(t.text, :q, '') AS BLOB)))"
             " / length(CAST(:q AS BLOB))")
    params = {"q": query, "limit": limit}
    ranked = conn.execute(f"SELECT p.id, {count} AS score {source} ORDER BY score DESC, p.agency, p.year, p.ord"
                          " LIMIT :limit", params).fetchall()
    if len(ranked) < limit:
        return len(ranked)
    return conn.execute(f"SELECT count(*) {source}", params).fetchone()[0]


def sample_queries(conn, per_length: int = 30) -> dict[int, list[str]]:
    """Queries of 1, 2, 3 and 12 characters cut from the index's own texts at random places.

    Cut at random positions, frequent characters are drawn often, as users type them: the
    1-character sample is mostly characters found in nearly every part.
    """
    rnd = random.Random(13)
    ids = [i for (i,) in conn.execute("SELECT id FROM texts ORDER BY id")]
    out: dict[int, list[str]] = {n: [] for n in LENGTHS}
    for n in LENGTHS:
        while len(out[n]) < per_length:
            text = conn.execute("SELECT text FROM texts WHERE id = ?", (rnd.choice(ids),)).fetchone()[0]
            if len(text) <= n:
                continue
            start = rnd.randrange(0, len(text) - n)
            q = text[start:start + n]
            if q == q.strip() and "\n" not in q:
                out[n].append(q)
    return out


LENGTHS = (1, 2, 3, 12)
ROUNDS = 3
SCANNED = {1: "镇", 2: "复议", 3: "依申请", 12: "东南社区设立政务公开专区"}  # one query a length, against the XML scan


def _settle(store: Store) -> None:
    """Files and folders written moments ago are "racily clean" and looked at once more: age them."""
    for e in store.entries():
        for p in (e.path, e.path.parent):
            os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns - 10_000_000_000))


def main() -> None:
    print(f"检索基准（{machine()}；各项交替运行 {ROUNDS} 轮，取中位数）")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        t = Timing()
        t.add(lambda: build_archive(root))
        store = Store(root)
        n = len(store.entries())
        mb = sum(e.path.stat().st_size for e in store.entries()) / 1e6
        print(f"合成档案：{n} 份报告（{AGENCIES} 个机关 × {len(YEARS)} 个年度），XML 共 {mb:.0f} MB，生成 {t.s()}")

        with Index(store) as ix:
            t = Timing()
            t.add(ix.rebuild)
            size = sum(f.stat().st_size for f in root.glob(db.INDEX_FILE + "*")) / 1e6
            short = ix.conn.execute("SELECT count(*) FROM grams").fetchone()[0]
            print(f"建立索引（一次）：{t.s()}；索引文件 {size:.0f} MB（其中一、二字检索表 {short:,} 行）")
            _settle(store)
            ix.refresh(thorough=True)

            fresh = interleaved({"folders": ix.refresh, "files": lambda: ix.refresh(thorough=True)}, rounds=5)
            print(f"检索前的新鲜度检查（无变化，{AGENCIES} 个文件夹）：{fresh['folders'].ms()}；"
                  f"逐个文件检查（gknb index，{n} 个文件）：{fresh['files'].ms()}")

            changed = store.entries()[n // 2]
            report = store.get(changed.agency, changed.year)
            report.sections[tpl.load().closing_section.key].paragraphs.append("本年度新增一段用于增量更新测试的文字。")
            store.put(report, replace=True)
            t = Timing()
            result = t.add(ix.refresh)
            assert (result.added, result.updated, result.removed) == (0, 1, 0), result
            print(f"增量更新（改动 1 份报告后，一次）：{t.ms()}")
            ix.refresh()  # the changed report's folder is racily clean for a moment: settle it
            _settle(store)
            ix.refresh(thorough=True)

            conn = ix.conn
            queries = sample_queries(conn)
            print(f"检索（查询 + 前20条摘要；每次检索另加上面的新鲜度检查）：每种长度 {len(queries[1])} 个检索词，"
                  "从档案正文随机截取；每个检索词取各轮中位数，再取 p50 / p95")
            per_query: dict[int, list[Timing]] = {k: [Timing() for _ in v] for k, v in queries.items()}
            before: dict[int, list[Timing]] = {k: [Timing() for _ in v] for k, v in queries.items() if k <= SHORT}
            for _ in range(ROUNDS):
                for k, qs in queries.items():
                    for i, q in enumerate(qs):
                        res = per_query[k][i].add(lambda q=q: search(conn, q, limit=20))
                        if k in before:
                            total = before[k][i].add(lambda q=q: old_search(conn, q))
                            assert total == res.total, (q, total, res.total)  # type: ignore[attr-defined]
            for k in LENGTHS:
                walls = [t.median_wall * 1000 for t in per_query[k]]
                cpus = [t.median_cpu * 1000 for t in per_query[k]]
                line = (f"  {k:2d}字：索引 p50 墙钟 {percentile(walls, 50):6.1f} ms / CPU {percentile(cpus, 50):6.1f} ms，"
                        f"p95 墙钟 {percentile(walls, 95):6.1f} ms / CPU {percentile(cpus, 95):6.1f} ms")
                if k in before:
                    old = [t.median_cpu * 1000 for t in before[k]]
                    line += (f"；原先的查询（逐条 instr 扫描并计数排序）p50 CPU {percentile(old, 50):6.1f} ms，"
                             f"p95 {percentile(old, 95):6.1f} ms，原先 / 索引（p50 CPU）= "
                             f"{percentile(old, 50) / percentile(cpus, 50):5.1f}×")
                print(line)

            print("索引（新鲜度检查 + 查询 + 前20条摘要）对扫描XML（逐个读取并解析全部XML文件），每种长度一个检索词：")
            for k, q in SCANNED.items():
                cases = {"index": lambda q=q: (ix.refresh(), search(conn, q, limit=20))[1],
                         "scan": lambda q=q: scan(root, q)}
                timings = interleaved(cases, rounds=ROUNDS)
                res, hits = cases["index"](), cases["scan"]()
                assert hits == res.total, (q, hits, res.total)  # type: ignore[attr-defined]
                print(f"  {k:2d}字 “{q}”：{hits:5d} 个部分命中  索引 {timings['index'].ms()}   "
                      f"扫描 {timings['scan'].ms()}   扫描 / 索引 = {ratio(timings['scan'], timings['index'])}")
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
