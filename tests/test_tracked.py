"""This year's text against last year's as Word tracked changes: accept all = this year, reject all = last."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
from click.testing import CliRunner
from gknb.parsers import parse
from lxml import etree

from gknb.cli import main
from gknb.compare.comparison import section_texts
from gknb.compare.tracked import AUTHOR, DATE, tracked_docx
from gknb.ooxml import W
from gknb.textdiff import normalise

from .conftest import CORPUS

PAIRS = [
    (CORPUS / "pdf" / "淮安市洪泽区人民政府_2023.pdf", CORPUS / "pdf" / "淮安市洪泽区人民政府_2024.pdf"),
    (CORPUS / "docx" / "平潭综合实验区_2021.docx", CORPUS / "docx" / "平潭综合实验区_2023.docx"),
]
NS = {"w": W}


def _body(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml")).find("w:body", NS)


def _accept(body: etree._Element) -> etree._Element:
    """Word's "accept all changes": deletions dropped, insertions kept in place."""
    body = copy.deepcopy(body)
    for d in body.findall(".//w:del", NS):
        d.getparent().remove(d)
    for i in body.findall(".//w:ins", NS):
        parent, at = i.getparent(), i.getparent().index(i)
        for k, child in enumerate(list(i)):
            parent.insert(at + k, child)
        parent.remove(i)
    return body


def _reject(body: etree._Element) -> etree._Element:
    """Word's "reject all changes": insertions dropped, deleted text restored."""
    body = copy.deepcopy(body)
    for i in body.findall(".//w:ins", NS):
        i.getparent().remove(i)
    for d in body.findall(".//w:del", NS):
        for t in d.findall(".//w:delText", NS):
            t.tag = f"{{{W}}}t"
        parent, at = d.getparent(), d.getparent().index(d)
        for k, child in enumerate(list(d)):
            parent.insert(at + k, child)
        parent.remove(d)
    return body


def _sections(body: etree._Element) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs' texts) after the title and the explanation: headings keep with the next."""
    out: list[tuple[str, list[str]]] = []
    for p in body.findall("w:p", NS)[2:]:
        text = "".join(t.text or "" for t in p.iter(f"{{{W}}}t"))
        if p.find("w:pPr/w:keepNext", NS) is not None:
            out.append((text, []))
        elif text:
            out[-1][1].append(text)
    return out


def _lines(text: str) -> list[str]:
    return [n for n in (normalise(line) for line in text.splitlines()) if n]


@pytest.mark.parametrize("old_path,new_path", PAIRS, ids=["pdf", "docx"])
def test_accept_all_is_this_year_reject_all_is_last_year(old_path, new_path):
    old, new = parse(old_path), parse(new_path)
    data = tracked_docx(old, new)
    body = _body(data)
    changes = body.findall(".//w:ins", NS) + body.findall(".//w:del", NS)
    assert changes and {(c.get(f"{{{W}}}author"), c.get(f"{{{W}}}date")) for c in changes} == {(AUTHOR, DATE)}
    assert len({c.get(f"{{{W}}}id") for c in changes}) == len(changes)
    expected = section_texts(old, new)
    accepted, rejected = _sections(_accept(body)), _sections(_reject(body))
    assert [h for h, _ in accepted] == [h for _, h, _, _ in expected]
    for (_, paras_new), (_, paras_old), (_, _, a, b) in zip(accepted, rejected, expected):
        assert paras_new == _lines(b)  # this year's text, paragraph by paragraph
        assert "".join(paras_old) == "".join(_lines(a))  # last year's text (in this year's paragraphs)
    assert tracked_docx(old, new) == data


def test_cli_docx_option(tmp_path):
    out = tmp_path / "对照.docx"
    old, new = PAIRS[0]
    res = CliRunner().invoke(main, ["compare", str(old), str(new), "--docx", str(out)])
    assert res.exit_code in (0, 1), res.output
    assert "正文修订对照已写入" in res.output
    assert _body(out.read_bytes()).findall(".//w:ins", NS)


def test_cli_docx_needs_last_year(tmp_path):
    store = tmp_path / "档案"
    (store / "reports").mkdir(parents=True)
    res = CliRunner().invoke(main, ["compare", "--archive", str(store), "--year", "2024", "--docx",
                                    str(tmp_path / "x.docx")])
    assert res.exit_code == 2
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.libreoffice
def test_libreoffice_keeps_the_tracked_changes(tmp_path):
    from gknb.office import convert
    old, new = (parse(p) for p in PAIRS[0])
    src = tmp_path / "对照.docx"
    src.write_bytes(tracked_docx(old, new))
    back, = convert([src], "docx", tmp_path / "back")  # opened and saved again by LibreOffice
    body = _body(back.read_bytes())
    changes = body.findall(".//w:ins", NS) + body.findall(".//w:del", NS)
    assert changes and {c.get(f"{{{W}}}author") for c in changes} == {AUTHOR}
    accepted = "".join(t.text or "" for t in _accept(body).iter(f"{{{W}}}t"))
    assert "".join(_lines(new.section_text("一"))) in accepted
