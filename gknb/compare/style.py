"""The report's stylesheet, inlined so that the HTML file is self-contained.

Screen: a readable page with the verdict first.  Print: A4 portrait, colours kept (they
carry meaning), table headers repeated, rows never split across pages.
"""

CSS = """
:root {
  --ink: #1d232b; --muted: #5d6875; --rule: #d5dbe2; --paper: #ffffff; --tint: #f4f6f8;
  --err: #b3261e; --err-bg: #fbe9e7; --warn: #8a5a00; --warn-bg: #fff4d6; --ok: #1e6b34; --ok-bg: #e6f4ea;
  --ins: #d8f1dc; --ins-ink: #0f5223; --del: #fde0dc; --del-ink: #8c1d18; --swing: #fff0c2;
}
* { box-sizing: border-box; }
html { background: #e9edf1; }
body {
  margin: 0 auto; max-width: 210mm; padding: 14mm 16mm 18mm; background: var(--paper); color: var(--ink);
  font: 15px/1.65 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "黑体",
        "FandolHei", sans-serif;
}
h1, h2, h3 { line-height: 1.3; margin: 0; font-weight: 700; }
h1 { font-size: 24px; margin: 4px 0 2px; }
h2 { font-size: 19px; margin: 26px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 16px; margin: 18px 0 8px; }
p { margin: 6px 0; }
a { color: inherit; }
.kicker { color: var(--muted); font-size: 13px; letter-spacing: .08em; margin: 0; }
.years { font-size: 17px; margin: 0 0 10px; }
.muted, .note { color: var(--muted); }
.note { font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { border: 1px solid var(--rule); padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: var(--tint); font-weight: 700; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.sources td:first-child { width: 4.5em; color: var(--muted); }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px; font-weight: 700;
         white-space: nowrap; line-height: 1.6; }
.badge.error, .badge.failed { background: var(--err); color: #fff; }
.badge.warning { background: #e3a21a; color: #231a00; }
.badge.passed { background: var(--ok-bg); color: var(--ok); }
.badge.unchecked, .badge.na { background: var(--tint); color: var(--muted); border: 1px solid var(--rule); }
.rule-id { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; white-space: nowrap; }

.verdict { border: 2px solid var(--ok); background: var(--ok-bg); border-radius: 6px; padding: 10px 14px 12px;
           margin-top: 10px; }
.verdict.bad { border-color: var(--err); background: var(--err-bg); }
.verdict.warn { border-color: #d99a00; background: var(--warn-bg); }
.verdict h2 { border: 0; margin: 0 0 4px; padding: 0; font-size: 20px; }
.verdict .line { font-size: 17px; font-weight: 700; margin: 2px 0 8px; }
.verdict ul { margin: 4px 0 8px; padding-left: 1.3em; }
.verdict li { margin: 2px 0; }
.verdict h3 { margin: 10px 0 2px; font-size: 15px; }
.verdict table { background: var(--paper); }

nav.toc { margin: 14px 0 0; font-size: 14px; color: var(--muted); }
nav.toc a { margin-right: 1.2em; text-decoration: none; border-bottom: 1px dotted var(--muted); }

tr.swing td { background: var(--swing); }
td.swing { background: var(--swing); }
.up { color: var(--ok); }
.down { color: var(--err); }
.blank { color: var(--muted); font-style: italic; }
.flag { color: var(--warn); font-weight: 700; }
table.matrix { table-layout: fixed; }
table.matrix th:first-child { width: 30%; }
table.matrix td { text-align: center; padding: 3px 2px; font-variant-numeric: tabular-nums; }
table.matrix td.label, table.matrix td.group { text-align: left; padding: 3px 6px; }
table.matrix th { text-align: center; font-size: 12px; padding: 3px 2px; }
table.matrix .o { display: block; color: var(--muted); font-size: 11px; }
table.matrix .v { display: block; font-weight: 700; }
table.matrix .d { display: block; font-size: 11px; }
td.group { background: var(--tint); font-weight: 700; }

.meter { display: inline-block; width: 90px; height: 9px; background: var(--tint); border: 1px solid var(--rule);
         vertical-align: middle; margin-right: 6px; }
.meter span { display: block; height: 100%; background: #6b7c8f; }
.meter.high span { background: var(--err); }
.diff { margin: 4px 0 10px; }
.s { margin: 0; padding: 3px 6px 3px 3.2em; text-indent: -2.8em; border-left: 3px solid transparent; font-size: 14px; }
.s .tag { display: inline-block; width: 3.4em; text-indent: 0; font-size: 11px; color: var(--muted); white-space: nowrap; }
.s.same { color: var(--muted); }
.s.changed { border-left-color: #6b7c8f; }
.s.added { border-left-color: var(--ins-ink); background: #f1faf2; }
.s.removed { border-left-color: var(--del-ink); background: #fdf3f2; }
.s.moved { border-left-color: #7a5cc0; }
ins { background: var(--ins); color: var(--ins-ink); text-decoration: none; border-bottom: 1px solid var(--ins-ink); }
del { background: var(--del); color: var(--del-ink); text-decoration: line-through; }
.s.added ins, .s.removed del { background: none; border: 0; }
blockquote { margin: 4px 0; padding: 4px 10px; border-left: 3px solid var(--rule); background: var(--tint); }
footer { margin-top: 28px; padding-top: 8px; border-top: 1px solid var(--rule); font-size: 12px; color: var(--muted); }

@page { size: A4 portrait; margin: 16mm 14mm 16mm 16mm; }
@media print {
  :root { --rule: #a3adb8; }
  html { background: none; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav.toc { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  tr, .s, li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  table { font-size: 9pt; }
  .s { font-size: 10pt; }
  .verdict { break-inside: auto; }
}
"""
