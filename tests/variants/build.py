"""Writing the variants and their expected figures into an output folder, deterministically.

Layout: ``<out>/<kind>/<class>/<stem>__s<seed>.<ext>`` with ``<file>.expected.json`` beside it
(the corpus layout, ``document`` renamed, ``sections`` left out since headings and text may have
changed, and a ``variant`` entry saying what was done), and ``<out>/manifest.json`` listing them.
The same corpus and code give the same text variants byte for byte; Word and PDF renderings are
LibreOffice's and carry its timestamps.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from . import classes as C
from . import render
from .sources import CORPUS, Source, load_sources

KIND_ORDER = ("html", "txt", "md", "tsv", "docx", "pdf")
BASELINE = "baseline"  # an HTML source rendered unchanged: the control for the renderings
# Which HTML sources and classes are rendered (about 170 files: a couple of minutes of LibreOffice).
DOCX_DOCS = ("上海市人民政府办公厅_2019", "平潭综合实验区_2019", "平潭综合实验区_2021", "平潭综合实验区_2023")
PDF_DOCS = ("上海市人民政府办公厅_2019", "平潭综合实验区_2023")
PDF_CLASSES = ("headings.part", "headings.missing", "labels.numbering", "labels.width", "labels.spaces",
               "numbers.fullwidth", "numbers.thousands", "numbers.units", "numbers.yuan", "traditional",
               "html.cell_wrap", "html.split_blocks")
PAGE_BREAK_DOCS = PDF_DOCS  # every row of table 三 as a page break, in PDF
SAMPLE_PER_CLASS = 3
SAMPLE_RENDERS = (("docx", BASELINE), ("docx", "labels.numbering"), ("docx", "numbers.thousands"),
                  ("docx", "html.cell_wrap"), ("pdf", "html.split_table3"))
SAMPLE_RENDER_DOC = "平潭综合实验区_2023"


@dataclass(frozen=True)
class Spec:
    cls: str
    source: str  # Source.name
    seed: int
    kind: str  # the variant's kind: the source's, or "docx"/"pdf" for a rendering

    def id(self, source: Source) -> str:
        ext = source.suffix if self.kind not in ("docx", "pdf") else f".{self.kind}"
        return f"{self.kind}/{self.cls}/{source.stem}__s{self.seed}{ext}"


def _first_seed(name: str, source: Source) -> int | None:
    for seed in C.seeds_of(name, source):
        try:
            C.mutate(name, source, seed)
            return seed
        except C.NotApplicable:
            continue
    return None


def _render_specs(source: Source) -> list[Spec]:
    out = [Spec(BASELINE, source.name, 0, kind) for kind in ("docx", "pdf")]
    for name, vc in C.REGISTRY.items():
        if "html" not in vc.kinds:
            continue
        if name == "html.split_table3":
            if source.stem in PAGE_BREAK_DOCS:
                out += [Spec(name, source.name, k, "pdf") for k in C.seeds_of(name, source)]
            continue
        if name == "html.unruled":  # only its PDF rendering tests anything: every page, every style
            out += [Spec(name, source.name, k, "pdf") for k in C.seeds_of(name, source)]
            continue
        seed = _first_seed(name, source) if source.stem in DOCX_DOCS + PDF_DOCS else None
        if seed is None:
            continue
        if source.stem in DOCX_DOCS:
            out.append(Spec(name, source.name, seed, "docx"))
        if source.stem in PDF_DOCS and name in PDF_CLASSES:
            out.append(Spec(name, source.name, seed, "pdf"))
    return out


def plan(sources: list[Source], renderings: bool = True, classes: tuple[str, ...] | None = None) -> list[Spec]:
    """Every (class, source, seed) of a full run, and the renderings."""
    specs = []
    for source in sources:
        for name, vc in C.REGISTRY.items():
            if source.kind in vc.kinds and (classes is None or name in classes):
                specs += [Spec(name, source.name, seed, source.kind) for seed in C.seeds_of(name, source)]
        if renderings and source.kind == "html":
            specs += [s for s in _render_specs(source) if classes is None or s.cls in classes or s.cls == BASELINE]
    return specs


def _applies(spec: Spec, source: Source) -> bool:
    try:
        C.mutate(spec.cls, source, spec.seed)
        return True
    except C.NotApplicable:
        return False


def sample_plan(sources: list[Source], renderings: bool = True) -> list[Spec]:
    """A small fixed sample: per class up to three text/HTML variants spread over kinds and documents."""
    by_name = {s.name: s for s in sources}
    specs = []
    for name in C.REGISTRY:
        candidates = sorted((s for s in plan(sources, renderings=False, classes=(name,))),
                            key=lambda s: (KIND_ORDER.index(s.kind), hashlib.sha1(repr(s).encode()).hexdigest()))
        candidates = [s for s in candidates if _applies(s, by_name[s.source])]
        picked = []
        for s in candidates:  # one per kind first, then other documents
            if len(picked) < SAMPLE_PER_CLASS and s.kind not in {p.kind for p in picked}:
                picked.append(s)
        for s in candidates:
            if len(picked) < SAMPLE_PER_CLASS and s not in picked and s.source not in {p.source for p in picked}:
                picked.append(s)
        specs += picked
    if renderings and render.soffice():
        source = next(s for s in sources if s.stem == SAMPLE_RENDER_DOC and s.kind == "html")
        for kind, name in SAMPLE_RENDERS:
            seed = 10 if name == "html.split_table3" else 0 if name == BASELINE else _first_seed(name, source)
            specs.append(Spec(name, source.name, seed, kind))
    return specs


def _expected(source: Source, mutation: C.Mutation | None, spec: Spec, path: Path, note: str) -> dict:
    raw = json.loads((CORPUS / f"{source.name}.expected.json").read_text("utf-8"))
    if mutation is not None and mutation.expected is not None:
        raw = {**raw, **{k: mutation.expected[k] for k in ("proactive", "requests", "review_litigation")}}
    raw.pop("sections", None)
    raw["document"] = path.name
    raw["variant"] = {"class": spec.cls, "source": source.name, "seed": spec.seed, "kind": spec.kind, "note": note}
    return raw


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=float) + "\n", "utf-8")


def _mutated(spec: Spec, source: Source) -> C.Mutation | None:
    if spec.cls == BASELINE:
        return C.Mutation(source.text, "unchanged")
    try:
        return C.mutate(spec.cls, source, spec.seed)
    except C.NotApplicable:
        return None


def build(out: Path, specs: list[Spec], sources: list[Source] | None = None) -> list[dict]:
    """Write every applicable spec's variant and expected file into ``out`` (emptied first); the manifest."""
    sources = sources or load_sources()
    by_name = {s.name: s for s in sources}
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    manifest, seen, staged = [], set(), {}
    for spec in specs:
        source = by_name[spec.source]
        m = _mutated(spec, source)
        if m is None:
            continue
        digest = (spec.cls, spec.kind, hashlib.sha256(m.text.encode("utf-8")).hexdigest())
        if digest in seen:  # two seeds that happen to give the same document
            continue
        seen.add(digest)
        vid = spec.id(source)
        entry = {"id": vid, **asdict(spec), "note": m.note, "path": vid, "expected": f"{vid}.expected.json"}
        if spec.kind in ("docx", "pdf"):
            stage = out / ".render" / f"{source.stem}__{spec.cls}__s{spec.seed}__{spec.kind}.html"
            stage.parent.mkdir(parents=True, exist_ok=True)
            stage.write_bytes(m.text.encode("utf-8"))
            staged.setdefault(spec.kind, []).append((stage, entry, source, m))
            continue
        path = out / vid
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(m.text.encode("utf-8"))
        _write_json(out / entry["expected"], _expected(source, m, spec, path, m.note))
        manifest.append(entry)
    for kind, items in staged.items():
        converted = render.convert([stage for stage, *_ in items], kind, out / ".render" / kind)
        for stage, entry, source, m in items:
            result = converted[stage]
            if result is None:
                print(f"  LibreOffice did not render {entry['id']}")
                continue
            path = out / entry["path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(result, path)
            spec = Spec(entry["cls"], entry["source"], entry["seed"], entry["kind"])
            _write_json(out / entry["expected"], _expected(source, m, spec, path, entry["note"]))
            manifest.append(entry)
    shutil.rmtree(out / ".render", ignore_errors=True)
    manifest.sort(key=lambda e: (KIND_ORDER.index(e["kind"]), e["id"]))
    _write_json(out / "manifest.json", manifest)
    return manifest
