"""Section 五 as a list of problems and measures, on real reports."""

from gknb.parsers import parse

from gknb.problems import read_section_five

from .conftest import CORPUS


def test_enumerated_problems_and_measures():
    text = parse(CORPUS / "html" / "平潭综合实验区_2023.html").sections["五"].text
    s = read_section_five(text)
    assert s.problems == ["部分单位信息发布属性界定还不够精确，部分栏目存在信息噪音",
                          "开拓创新不够有力，实验区政务公开工作特色打造、亮点挖掘还不够",
                          "政策解读的质量有待提高，形式还要更加多样、更加“接地气”"]
    assert len(s.measures) == 3 and s.measures[0].startswith("加大政务公开检查力度")


def test_problems_listed_after_ru():
    s = read_section_five(parse(CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf").sections["五"].text)
    assert s.problems == ["依申请公开工作规范性还有待提高", "政务公开内容的深度和广度还有待提升", "政务公开队伍建设有待加强"]


def test_numbered_problems_of_the_founding_document():
    s = read_section_five(parse(CORPUS / "txt" / "泽州县应急管理局_2025.txt").sections["五"].text)
    assert len(s.problems) == 3 and s.problems[1] == "信息公开宣传力度不大，群众对信息公开内容关注度不足"


def test_rectification_part_is_separated():
    s = read_section_five("（一）上年度问题整改情况。针对上年度栏目更新不及时的问题，已建立巡查制度。"
                          "（二）存在的主要问题及改进措施。一是解读形式单一；二是目录不够细。下一步，一是增加图解；二是细化目录。")
    assert "巡查制度" in s.rectification
    assert s.problems == ["解读形式单一", "目录不够细"]
    assert s.measures == ["增加图解", "细化目录"]


def test_problems_listed_with_commas_are_each_their_own_item():
    """洪泽 2024 lists five problems in one sentence, separated by commas (…不足，…有待提升，…尚需完善，…)."""
    from gknb.parsers import parse

    from gknb.generator.carry import last_problems

    from .conftest import CORPUS
    report = parse(CORPUS / "pdf" / "淮安市洪泽区人民政府_2024.pdf")
    five = read_section_five(report.section_text("五"))
    assert len(five.problems) == 5 and len(five.measures) == 3
    assert five.problems[0].endswith("研判能力不足") and five.problems[4].endswith("运维管理还需加强")
    assert len(last_problems(report)) == 5  # five items of 上年度问题整改情况 next year
