"""One fuzz target per reader, and "any" through ``parsers.parse_source``.

A target is the call under test, the exceptions that count as its clean refusal, the seeds,
the mutation family and a one-line command that replays a saved input without the harness.
Modules are imported lazily so that atheris can instrument them when it loads a target.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from . import seeds

PY = ".venv/bin/python"


@dataclass(frozen=True)
class Target:
    name: str
    family: str  # mutation family in tests.fuzz.mutators.FAMILIES ("any" chooses per input)
    seeds: Callable[[], tuple[bytes, ...]]
    source_name: str  # the file name the reader is told (messages must name it)
    repro: str  # one line of Python; {path} is the saved input

    def run(self, data: bytes):
        """The call under test; returns its result or raises."""
        return _CALLS[self.name](data, self.source_name)

    def clean(self) -> tuple[type[BaseException], ...]:
        """The exceptions that are a clean refusal for this target."""
        if self.name in ("archive-xml", "decisions-xml"):
            from gknb.archive.xml import ArchiveError
            return (ArchiveError,)
        from gknb.parsers import DocumentError
        return (DocumentError,)


def _reader(module: str, func: str):
    def call(data: bytes, name: str):
        from importlib import import_module

        from gknb.parsers import Source
        from gknb.parsers.understand import understand
        layout = getattr(import_module(module), func)(Source(name, data))
        return understand(layout, name)
    return call


def _figures(yaml_syntax: bool):
    def call(data: bytes, name: str):
        from gknb.parsers import figures
        return figures.load(data, name, yaml_syntax=yaml_syntax)
    return call


def _workbook(data: bytes, name: str):
    from gknb.parsers import workbook
    return workbook.load(data, name)


def _archive(data: bytes, name: str):
    from gknb.archive.xml import from_xml
    return from_xml(data, name)


def _decisions(data: bytes, name: str):
    from gknb.archive.decisions import from_xml
    return from_xml(data, name)


class Skipped(Exception):
    """An input the harness does not run (the legacy .doc path: it starts LibreOffice)."""


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _any(data: bytes, name: str):
    """parse_source with GKNB_DEBUG set: what its catch-all would have turned into a generic
    message escapes instead, so the harness can report it (as "masked")."""
    import gknb.parsers as parsers
    if data.startswith(_OLE2):  # what parsers.sniff sends to parsers.legacy
        raise Skipped("legacy .doc/.wps: converted by LibreOffice, not fuzzed")
    os.environ[parsers.DEBUG_ENV] = "1"
    return parsers.parse_source(parsers.Source(name, data))


_CALLS = {
    "pdf": _reader("gknb.parsers.pdf", "read_pdf"),
    "docx": _reader("gknb.parsers.docx", "read_docx"),
    "html": _reader("gknb.parsers.html", "read_html"),
    "text": _reader("gknb.parsers.text", "read_text"),
    "markdown": _reader("gknb.parsers.text", "read_text"),
    "figures-yaml": _figures(True),
    "figures-json": _figures(False),
    "figures-xlsx": _workbook,
    "archive-xml": _archive,
    "decisions-xml": _decisions,
    "any": _any,
}

_READ = "open(p,'rb').read()"


def _reader_repro(module: str, func: str) -> str:
    return (f"{PY} -c \"import sys,{module} as m,gknb.parsers.understand as u;from gknb.parsers import Source;"
            f"p=sys.argv[1];u.understand(m.{func}(Source(p,{_READ})),p)\" {{path}}")


TARGETS: dict[str, Target] = {t.name: t for t in [
    Target("pdf", "pdf", seeds.pdf, "/fuzz/输入.pdf", _reader_repro("gknb.parsers.pdf", "read_pdf")),
    Target("docx", "docx", seeds.docx, "/fuzz/输入.docx", _reader_repro("gknb.parsers.docx", "read_docx")),
    Target("html", "html", seeds.html, "/fuzz/输入.html", _reader_repro("gknb.parsers.html", "read_html")),
    Target("text", "text", seeds.text, "/fuzz/输入.txt", _reader_repro("gknb.parsers.text", "read_text")),
    Target("markdown", "markdown", seeds.markdown, "/fuzz/输入.md", _reader_repro("gknb.parsers.text", "read_text")),
    Target("figures-yaml", "yaml", seeds.figures_yaml, "/fuzz/数字.yaml",
           f"{PY} -c \"import sys,gknb.parsers.figures as f;p=sys.argv[1];f.load({_READ},p,yaml_syntax=True)\" {{path}}"),
    Target("figures-json", "json", seeds.figures_json, "/fuzz/数字.json",
           f"{PY} -c \"import sys,gknb.parsers.figures as f;p=sys.argv[1];f.load({_READ},p)\" {{path}}"),
    Target("figures-xlsx", "docx", seeds.figures_xlsx, "/fuzz/数字.xlsx",
           f"{PY} -c \"import sys,gknb.parsers.workbook as w;p=sys.argv[1];w.load({_READ},p)\" {{path}}"),
    Target("archive-xml", "xml", seeds.archive_xml, "/fuzz/档案.xml",
           f"{PY} -c \"import sys,gknb.archive.xml as x;p=sys.argv[1];x.from_xml({_READ},p)\" {{path}}"),
    Target("decisions-xml", "xml", seeds.decisions_xml, "/fuzz/2024.decisions.xml",
           f"{PY} -c \"import sys,gknb.archive.decisions as d;p=sys.argv[1];d.from_xml({_READ},p)\" {{path}}"),
    Target("any", "any", seeds.everything, "/fuzz/输入",
           f"GKNB_DEBUG=1 {PY} -c \"import sys,gknb.parsers as g;p=sys.argv[1];"
           f"g.parse_source(g.Source(p,{_READ}))\" {{path}}"),
]}

ALL = list(TARGETS)
