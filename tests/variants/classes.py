"""The variant classes: small seeded mutations of a corpus document, registered by name.

Each class is a pure function ``(source, seed, rng) -> Mutation``: the same source and seed
give the same bytes.  A mutation edits only the spans :mod:`.locate` finds for what it targets
(a heading, a row label, a figure's printed form), so the figures stay those of the source's
expected.json unless the Mutation carries a new ``expected``.  ``NotApplicable`` says the class
(or this seed's choice) does not apply to the document: the builder skips it.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from gknb import template as tpl

from . import htmltable as ht
from . import locate
from .sources import Source

TEXT_KINDS = ("html", "txt", "tsv", "md")
SECTION_KEYS = "一二三四五六"
NUMERALS = "一二三四五六七八九十"


class NotApplicable(Exception):
    """The class, or the choice a seed makes, does not apply to this document."""


@dataclass(frozen=True)
class Mutation:
    text: str
    note: str  # what changed, for whoever debugs a failure
    expected: dict | None = None  # new expected figures; None when the figures are the source's


@dataclass(frozen=True)
class VariantClass:
    name: str
    kinds: tuple[str, ...]
    seeds: int | Callable[[Source], range]  # the seeds of a full run: 0..seeds-1, or per document
    fn: Callable[[Source, int, random.Random], Mutation]
    doc: str


REGISTRY: dict[str, VariantClass] = {}


def variant_class(name: str, *, kinds=TEXT_KINDS, seeds: int | Callable[[Source], range] = 1):
    def register(fn):
        REGISTRY[name] = VariantClass(name, tuple(kinds), seeds, fn, (fn.__doc__ or "").strip().splitlines()[0])
        return fn
    return register


def seeds_of(name: str, source: Source) -> range:
    """The seeds a full run uses for class ``name`` on a document."""
    seeds = REGISTRY[name].seeds
    return seeds(source) if callable(seeds) else range(seeds)


def mutate(name: str, source: Source, seed: int) -> Mutation:
    """Apply class ``name`` with ``seed``; NotApplicable when it does not apply or changes nothing."""
    vc = REGISTRY[name]
    if source.kind not in vc.kinds:
        raise NotApplicable(f"{name} does not apply to {source.kind}")
    m = vc.fn(source, seed, random.Random(f"{name}|{source.name}|{seed}"))
    if m.text == source.text:
        raise NotApplicable("nothing changed")
    return m


def edit(text: str, edits: list[tuple[int, int, str]]) -> str:
    return ht.apply_edits(text, edits)


# Look-alike or sound-alike characters for typos; never a numeral, a digit or a unit.
_LOOKALIKES = """
    情清 况兄 公分 开升 政正 府符 信倍 息自 申甲 请清 处外 理埋 复夏 议义 诉拆 讼松 总忠 体休 主王 动劝
    收牧 到倒 存在 在存 问间 题提 改玫 进讲 其具 他也 需雷 要耍 报极 告吉 事争 项顶 行往 本木 年午 新亲
    上土 结给 转专 办力 果呆 予矛 部陪 分兮 不木 国围 家冢 秘密 法去 律津 禁襟 止正 危厄 及乃 安按 全金
    稳隐 定淀 保堡 护沪 权杈 益盖 类粪 内肉 务各 程稈 性姓 执热 案桉 卷券 查杳 询洵 机杌 关美 掌撑 握屋
    相想 没设 有友 现观 成戍 制製 作昨 补朴 容客 仍扔 明朋 确碓 访仿 举誉 投设 重童 出山 版板 物勿 当党
    由田 大太 量景 反仮 认以 或戓 获荻 取娶 逾愈 期其 费废 缴激 纳呐 用甩 通桶 知如 计讨 这还 区匹 只另
    形型 度渡 以似 属嘱 于干 政正 情清
"""
CONFUSABLE = dict(_LOOKALIKES.split())  # "情清" -> 情: 清
POOL = [c for c in "的是了我人在有这个上们来到时大地为子中说生着就那和要她也得里后自会家可下而过天去能对小多然于心"
        "学么之都好看起发当没成只如事把还用样道想作种美从情己面最女但现前些所同日手又意动方期它头经长儿回位爱老因很给"
        "名法间斯知世什两次使身者被高已亲其进此话常与活正感" if c not in NUMERALS + "两百千零万元件项个第"]


def _swap_char(ch: str, rng: random.Random) -> str:
    new = CONFUSABLE.get(ch) or rng.choice(POOL)
    return new if new != ch else rng.choice([c for c in POOL if c != ch])


def _cjk_positions(text: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if "\u4e00" <= text[i] <= "\u9fff"]


# ---------------------------------------------------------------- section headings

def _heading_targets(source: Source, seed: int) -> list[locate.Heading]:
    """Seed 0: every heading (a document numbers its headings one way); seed n: section n alone."""
    found = locate.headings(source.text)
    if seed == 0:
        if not found:
            raise NotApplicable("no heading found")
        return list(found.values())
    key = SECTION_KEYS[(seed - 1) % 6]
    if key not in found:
        raise NotApplicable(f"heading {key} not found")
    return [found[key]]


def _renumber(source: Source, seed: int, number: Callable[[int], str]) -> Mutation:
    targets = _heading_targets(source, seed)
    t = source.text
    edits = [(h.num_start, h.title_start, number(NUMERALS.index(t[h.num_start]) + 1)) for h in targets]
    return Mutation(edit(t, edits), f"{''.join(h.key for h in targets)}: {edits[0][2] or '(none)'}")


def _chinese(n: int) -> str:
    return NUMERALS[n - 1]


@variant_class("headings.paren", seeds=7)
def heading_paren(source, seed, rng):
    """Section headings numbered like sub-headings: （四）政府信息公开行政复议…"""
    return _renumber(source, seed, lambda n: f"（{_chinese(n)}）")


@variant_class("headings.part", seeds=7)
def heading_part(source, seed, rng):
    """Section headings as parts: 第四部分 政府信息公开行政复议…"""
    sep = rng.choice(["", " ", "\u3000", "："])
    return _renumber(source, seed, lambda n: f"第{_chinese(n)}部分{sep}")


@variant_class("headings.arabic", seeds=7)
def heading_arabic(source, seed, rng):
    """Section headings in Arabic numbers: 4.政府信息公开… / 4、… / 4．…"""
    mark = rng.choice([".", "、", "．"])
    return _renumber(source, seed, lambda n: f"{n}{mark}")


@variant_class("headings.unnumbered", seeds=7)
def heading_unnumbered(source, seed, rng):
    """Section headings without their number: 政府信息公开行政复议、行政诉讼情况"""
    return _renumber(source, seed, lambda n: "")


def _heading_alternatives(source: Source) -> list[tuple[locate.Heading, str]]:
    out = []
    for key, h in locate.headings(source.text).items():
        sec = tpl.load().section(key)
        printed = source.text[h.title_start:h.end]
        out += [(h, title) for title in (x.split("、", 1)[1] for x in sec.headings) if title != printed]
    return out


@variant_class("headings.variant", seeds=3)
def heading_variant(source, seed, rng):
    """A section heading in another wording FORMAT.md lists (四、因政府信息公开工作被申请行政复议…)."""
    alternatives = _heading_alternatives(source)
    if seed >= len(alternatives):
        raise NotApplicable("no such alternative")
    h, title = alternatives[seed]
    return Mutation(edit(source.text, [(h.title_start, h.end, title)]), f"{h.key}: {title}")


@variant_class("headings.typo", seeds=6)
def heading_typo(source, seed, rng):
    """One character of a section heading's title substituted (情况 → 清况)."""
    [h] = _heading_targets(source, seed + 1)
    t = source.text
    i = rng.choice(_cjk_positions(t, h.title_start, h.end))
    new = _swap_char(t[i], rng)
    return Mutation(edit(t, [(i, i + 1, new)]), f"{h.key}: {t[i]}→{new}")


def _drop_span(source: Source, start: int, end: int) -> tuple[int, int]:
    """The span to delete to remove a heading or label: its paragraph or line when it stands alone."""
    t = source.text
    if source.kind == "html":
        before = re.search(r"<p\b[^>]*>(?:\s|&nbsp;|<(?!/?p\b)[^>]+>)*$", t[max(0, start - 300):start])
        after = re.match(r"(?:\s|&nbsp;|<(?!/?p\b)[^>]+>)*</p>\n?", t[end:])
        if before and after:
            return start - len(before.group()), end + after.end()
        return start, end
    line_start = t.rfind("\n", 0, start) + 1
    line_end = t.find("\n", end)
    line_end = len(t) if line_end < 0 else line_end + 1
    rest = t[line_start:start] + t[end:line_end]
    if not rest.strip(" \t\u3000#\r\n"):
        return line_start, line_end
    return start, end


@variant_class("headings.missing", seeds=6)
def heading_missing(source, seed, rng):
    """A section heading missing entirely."""
    [h] = _heading_targets(source, seed + 1)
    start, end = _drop_span(source, h.start, h.end)
    return Mutation(edit(source.text, [(start, end, "")]), f"{h.key}: removed")


# ---------------------------------------------------------------- row labels of table 三

def _labels(source: Source, roles: tuple[str, ...] | None = None) -> list[locate.Label]:
    found = [x for x in locate.labels(source.text, source.expected) if roles is None or x.role in roles]
    if not found:
        raise NotApplicable("no such row label found")
    return found


NUMBER_STYLES = ("{}、", "{}．", "({})", "（{}）", "{})")


@variant_class("labels.numbering", seeds=len(NUMBER_STYLES))
def label_numbering(source, seed, rng):
    """Sub-row numbering in another style: 1、 / 1． / (1) / （1） / 1) instead of 1."""
    style = NUMBER_STYLES[seed]
    edits = [(x.start, x.text_start, style.format(x.number)) for x in _labels(source, ("sub",))]
    return Mutation(edit(source.text, edits), f"sub-rows numbered {style.format('N')}")


_FLIP_BRACKETS = str.maketrans("（）()", "()（）")
_FLIP_DIGITS = str.maketrans("0123456789.．０１２３４５６７８９", "０１２３４５６７８９．.0123456789")


@variant_class("labels.width", seeds=3)
def label_width(source, seed, rng):
    """Row numbering in the other width: (三) for （三）, １． for 1. (seed 0 brackets, 1 digits, 2 both)."""
    t, edits = source.text, []
    for x in _labels(source, ("paren", "group", "sub")):
        num = t[x.start:x.text_start]
        if x.role == "sub":
            new = num.translate(_FLIP_DIGITS) if seed >= 1 else num
            new = new.translate(_FLIP_BRACKETS) if seed != 1 else new
        else:
            new = num.translate(_FLIP_BRACKETS) if seed != 1 else num
        if new != num:
            edits.append((x.start, x.text_start, new))
    return Mutation(edit(t, edits), ("brackets", "digits", "brackets and digits")[seed])


def _pick_label(source: Source, rng: random.Random) -> tuple[locate.Label, int]:
    candidates = [x for x in _labels(source) if len(_cjk_positions(source.text, x.text_start, x.end)) >= 3]
    if not candidates:
        raise NotApplicable("no label long enough")
    x = rng.choice(candidates)
    return x, rng.choice(_cjk_positions(source.text, x.text_start, x.end))


@variant_class("labels.char_dropped", seeds=8)
def label_char_dropped(source, seed, rng):
    """One character of a row label's words dropped (not of its numbering)."""
    x, i = _pick_label(source, rng)
    return Mutation(edit(source.text, [(i, i + 1, "")]), f"{x.official}: -{source.text[i]}")


@variant_class("labels.char_changed", seeds=8)
def label_char_changed(source, seed, rng):
    """One character of a row label's words substituted (not of its numbering)."""
    x, i = _pick_label(source, rng)
    new = _swap_char(source.text[i], rng)
    return Mutation(edit(source.text, [(i, i + 1, new)]), f"{x.official}: {source.text[i]}→{new}")


@variant_class("labels.group_missing", seeds=4)
def label_group_missing(source, seed, rng):
    """A group label (（三）不予公开 …) missing; its numbered sub-rows stay (an HTML cell is left empty)."""
    groups = _labels(source, ("group",))
    if seed >= len(groups):
        raise NotApplicable("no such group")
    x = groups[seed]
    start, end = (x.start, x.end) if source.kind == "html" else _drop_span(source, x.start, x.end)
    return Mutation(edit(source.text, [(start, end, "")]), f"{x.official}: removed")


BREAKS = {"html": ("<br>", "<br/>\n", " ", "&nbsp;", "\n"), "txt": (" ", "\u3000"),
          "tsv": (" ", "\u3000"), "md": (" ", "\u3000")}


@variant_class("labels.spaces", seeds=4)
def label_spaces(source, seed, rng):
    """Spaces and line breaks inside row labels, as text extracted from a PDF or a narrow cell has them."""
    t, edits = source.text, []
    found = _labels(source)
    chosen = [x for x in found if rng.random() < 0.4] or [rng.choice(found)]
    for x in chosen:
        positions = _cjk_positions(t, x.text_start + 1, x.end)
        if not positions:
            continue
        at = x.text_start if seed == 3 else rng.choice(positions)  # seed 3: between number and words
        edits.append((at, at, rng.choice(BREAKS[source.kind])))
    return Mutation(edit(t, edits), f"{len(edits)} labels broken")


# ---------------------------------------------------------------- figures

def _figures(source: Source) -> list[locate.Figure]:
    found = locate.figures(source.text, source.kind, source.expected)
    if not found:
        raise NotApplicable("no figure located")
    return found


_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


@variant_class("numbers.fullwidth", seeds=2)
def numbers_fullwidth(source, seed, rng):
    """Figures in full-width digits (５９４９.０８); seed 1 also the point and sign (５９４９．０８, －３)."""
    table = {**_WIDE, **({ord("."): "．", ord("-"): "－"} if seed else {})}
    edits = [(f.start, f.end, f.printed.translate(table)) for f in _figures(source)]
    return Mutation(edit(source.text, edits), "full-width" + (" with point" if seed else ""))


def _thousands(printed: str) -> str:
    sign = printed[0] if printed[0] in "+-" else ""
    whole, dot, frac = printed[len(sign):].partition(".")
    return f"{sign}{int(whole):,}{dot}{frac}"


@variant_class("numbers.thousands")
def numbers_thousands(source, seed, rng):
    """Thousands separators in figures of 1000 and more: 2,629 / 5,949.088667."""
    edits = [(f.start, f.end, _thousands(f.printed)) for f in _figures(source)
             if abs(int(float(f.printed))) >= 1000]
    if not edits:
        raise NotApplicable("no figure of 1000 or more")
    return Mutation(edit(source.text, edits), f"{len(edits)} figures")


ITEM_COLUMNS = ("上一年项目数量", "本年增/减", "采购项目数量")


def _unit(f: locate.Figure) -> str | None:
    column = f.path[-1]
    if "万元" in column:
        return "万元"
    if column == "采购总金额":
        return None  # no fixed unit in the 2019 form
    return "项" if column in ITEM_COLUMNS else "件"


@variant_class("numbers.units", seeds=3)
def numbers_units(source, seed, rng):
    """A unit after each figure: 5件, 12.5万元 (seed 0 every table, 1 table 二 only, 2 tables 三 and 四)."""
    t, edits = source.text, []
    for f in _figures(source):
        in_two = f.path[0] == "proactive"
        if (seed == 1 and not in_two) or (seed == 2 and in_two) or re.match(r"[元件项个万]", t[f.end:f.end + 1]):
            continue
        unit = _unit(f)
        if unit:
            edits.append((f.end, f.end, unit))
    if not edits:
        raise NotApplicable("no figure to give a unit")
    return Mutation(edit(t, edits), f"{len(edits)} units")


def _set_value(expected: dict, path: tuple, value) -> dict:
    out = copy.deepcopy(expected)
    node = out[path[0]]
    for key in path[1:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


@variant_class("numbers.yuan")
def numbers_yuan(source, seed, rng):
    """The 万元 fee printed in 元 with its unit (5949.088667 → 59490886.67元): the figure changes (E05)."""
    t = source.text
    fees = [f for f in _figures(source) if "万元" in f.path[-1] and Decimal(f.printed) != 0]
    if not fees or re.match(r"[元万]", t[fees[0].end:fees[0].end + 1]):
        raise NotApplicable("no non-zero 万元 figure")
    f = fees[0]
    yuan = Decimal(f.printed) * 10000
    printed = format(yuan.quantize(Decimal(1)) if yuan == yuan.to_integral() else yuan.normalize(), "f")
    expected = _set_value(source.expected, f.path, Decimal(printed))
    return Mutation(edit(t, [(f.start, f.end, f"{printed}元")]), f"{f.printed} → {printed}元", expected)


# ---------------------------------------------------------------- Traditional characters

OPENCC_CONFIGS = ("s2t", "s2tw", "s2hk")


@variant_class("traditional", seeds=len(OPENCC_CONFIGS))
def traditional(source, seed, rng):
    """The whole report in Traditional characters (OpenCC s2t / s2tw / s2hk)."""
    import opencc
    return Mutation(opencc.OpenCC(OPENCC_CONFIGS[seed]).convert(source.text), OPENCC_CONFIGS[seed])


# ---------------------------------------------------------------- HTML only

WRAPPERS = (
    '<p style="text-align:center">{}</p>',
    '<span style="font-family:仿宋_GB2312;font-size:10.5pt">{}</span>',
    '<p align="center"><span style="font-size:12px">&nbsp;{}&nbsp;</span></p>',
    ('<p class="MsoNormal" align="center" style="text-align:center;line-height:150%">'
     '<span lang="EN-US" style="font-family:宋体">{}<o:p></o:p></span></p>'),
)


def _report_tables(source: Source) -> list[ht.Table]:
    found = ht.tables(source.text)
    if not found:
        raise NotApplicable("no table")
    return found


@variant_class("html.cell_wrap", kinds=("html",), seeds=len(WRAPPERS))
def html_cell_wrap(source, seed, rng):
    """Every cell's content wrapped in <p>/<span> with style attributes and &nbsp;, as Word-made pages have."""
    t = source.text
    edits = [(c.inner_start, c.inner_end, WRAPPERS[seed].format(t[c.inner_start:c.inner_end]))
             for table in _report_tables(source) for row in table.rows for c in row.cells]
    return Mutation(edit(t, edits), WRAPPERS[seed][:30])


UNRULED = ('<table border="0" cellpadding="2">',
           '<table border="0" cellpadding="2" style="border-top:1.5pt solid black;border-bottom:1.5pt solid black">',
           '<table border="0" rules="rows" frame="hsides" cellpadding="2">')


@variant_class("html.unruled", kinds=("html",), seeds=len(UNRULED))
def html_unruled(source, seed, rng):
    """Every table drawn without ruling (none, 三线表, rules between rows only): the PDF rendering
    must be read from where its text stands."""
    t = source.text
    edits = [(m.start(), m.end(), UNRULED[seed]) for m in re.finditer(r"<table\b[^>]*>", t, re.IGNORECASE)]
    if not edits:
        raise NotApplicable("no table")
    return Mutation(edit(t, edits), ("no rules", "three-line", "row rules")[seed])


@variant_class("html.split_blocks", kinds=("html",), seeds=2)
def html_split_blocks(source, seed, rng):
    """Table 二 split into one <table> per block (seed 1: each caption a paragraph above its table)."""
    t = source.text
    table = ht.find_table(t, "第二十条第")
    if table is None:
        raise NotApplicable("no table 二")
    head = t[table.start:table.rows[0].start]
    tail = t[table.rows[-1].end:table.end]
    captions = [r for r in table.rows if ht.cell_text(t[r.start:r.end]).startswith("第二十条第")]
    edits = []
    for i, row in enumerate(captions):
        close = tail + "\n" if i else ""
        if seed == 0 and i:
            edits.append((row.start, row.start, close + head))
        elif seed == 1:  # the caption row becomes a paragraph that opens its block's table
            edits.append((row.start, row.end, f"{close}<p>{ht.cell_text(t[row.start:row.end])}</p>\n{head}"))
    if seed == 1:  # the table's own opening now follows the first caption
        edits.append((table.start, table.rows[0].start, ""))
    return Mutation(edit(t, edits), f"{len(captions)} blocks")


ATTRS = (
    {"table": ' width="100%" cellspacing="0" cellpadding="0" style="border-collapse:collapse;border:none"',
     "tr": "", "td": ' valign="middle" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt"'},
    {"table": ' class="MsoNormalTable"', "tr": ' style="height:28.5pt"', "td": ' class="xl65" width="72" nowrap'},
    {"table": ' data-id="t" id="table"', "tr": ' align="center"', "td": ' data-cell="1" height="30"'},
)


def _add_attrs(tag: str, extra: str) -> str:
    have = {a.lower() for a in re.findall(r"([\w:-]+)\s*=", tag)}
    keep = "".join(a for a in re.findall(r'\s+[\w:-]+(?:="[^"]*")?', extra) if a.split("=")[0].strip().lower() not in have)
    return tag[:-1] + keep + ">"


@variant_class("html.attrs", kinds=("html",), seeds=len(ATTRS))
def html_attrs(source, seed, rng):
    """Extra attributes on tables, rows and cells (seed 2 also <colgroup> and <tbody>)."""
    t, edits = source.text, []
    for table in _report_tables(source):
        for m in re.finditer(r"<(table|tr|td|th)\b[^>]*>", t[table.start:table.end], re.IGNORECASE):
            name = m.group(1).lower()
            new = _add_attrs(m.group(), ATTRS[seed]["td" if name == "th" else name])
            if name == "table" and seed == 2:
                cols = max((c.col + c.colspan for r in table.rows for c in r.cells), default=0)
                new += "<colgroup>" + '<col width="60">' * cols + "</colgroup>"
                if not re.search(r"<tbody\b", t[table.start:table.end], re.IGNORECASE):
                    new += "<tbody>"
                    edits.append((table.rows[-1].end, table.rows[-1].end, "</tbody>"))
            if new != m.group():
                edits.append((table.start + m.start(), table.start + m.end(), new))
    return Mutation(edit(t, edits), f"attributes set {seed}")


PAGE_BREAK = '\n<p style="page-break-before: always"></p>\n'


def _table3_rows(source: Source) -> range:
    table = ht.find_table(source.text, "本年新收") if source.kind == "html" else None
    return range(1, len(table.rows)) if table else range(0)


@variant_class("html.split_table3", kinds=("html",), seeds=_table3_rows)
def html_split_table3(source, seed, rng):
    """Table 三 broken before its row ``seed`` into two tables with a page break between (rendered to PDF too)."""
    t = source.text
    table = ht.find_table(t, "本年新收")
    if table is None or not 0 < seed < len(table.rows):
        raise NotApplicable("no such row")
    first, second = ht.split_rows(table, seed)
    return Mutation(edit(t, [(table.start, table.end, first + PAGE_BREAK + second)]), f"before row {seed}")
