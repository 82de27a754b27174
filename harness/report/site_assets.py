"""The dashboard's inline stylesheet and script: no external asset, works from file://.

Colours are keyed on the data-status attribute, so what a cell says and how it looks cannot
disagree.
"""

from __future__ import annotations

CSS = """
:root {
  --green: #4c1; --yellow: #dfb317; --red: #e05d44; --grey: #9aa1ab;
  --green-bg: #e6f6dc; --yellow-bg: #fcf3cf; --red-bg: #fce3de; --none-bg: #f4f5f7;
  --green-fg: #276a0c; --yellow-fg: #6f5400; --red-fg: #9c2616; --none-fg: #8a929c;
  --ink: #1f2328; --muted: #59636e; --line: #d9dee3; --paper: #ffffff; --page: #f6f8fa;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--page); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif;
}
a { color: #0b5cad; text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { background: #24292f; color: #fff; padding: 18px 32px 16px; }
header.top h1 { margin: 0 0 4px; font-size: 20px; font-weight: 600; letter-spacing: .2px; }
header.top h1 a { color: #fff; }
header.top .meta { color: #c9d1d9; font-size: 12.5px; }
header.top .meta code { color: #fff; }
main { padding: 20px 32px 40px; }
.banner { border-radius: 6px; padding: 10px 14px; margin: 0 0 14px; font-weight: 500; }
.banner.warn { background: var(--yellow-bg); color: var(--yellow-fg);
  border: 1px solid #ecd77c; }
.banner.bad { background: var(--red-bg); color: var(--red-fg); border: 1px solid #f1b1a6; }
.toolbar { display: flex; gap: 18px; align-items: center; margin: 4px 0 14px;
  flex-wrap: wrap; }
.chips { display: flex; gap: 8px; }
.chip { border-radius: 999px; padding: 3px 11px; font-weight: 600; font-size: 12.5px;
  border: 1px solid var(--line); background: var(--paper); }
.chip .dot, .dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%;
  margin-right: 6px; vertical-align: 0; }
.dot[data-status="green"] { background: var(--green); }
.dot[data-status="yellow"] { background: var(--yellow); }
.dot[data-status="red"] { background: var(--red); }
.filters button { font: inherit; font-size: 12.5px; border: 1px solid var(--line);
  background: var(--paper); padding: 3px 10px; cursor: pointer; color: var(--muted); }
.filters button:first-child { border-radius: 6px 0 0 6px; }
.filters button:last-child { border-radius: 0 6px 6px 0; }
.filters button + button { border-left: 0; }
.filters button[aria-pressed="true"] { background: #24292f; color: #fff;
  border-color: #24292f; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  overflow-x: auto; margin-bottom: 18px; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 8px 12px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: middle; }
tr:last-child > td { border-bottom: 0; }
th { background: #f6f8fa; font-size: 11.5px; text-transform: uppercase;
  letter-spacing: .5px; color: var(--muted); font-weight: 600; white-space: nowrap; }
th.area { text-align: center; }
td.name a { font-weight: 600; font-size: 14.5px; }
td.overall, table.checks td:first-child { width: 1%; white-space: nowrap; }
td.name .why { color: var(--muted); font-size: 12px; margin-top: 2px; max-width: 520px;
  overflow-wrap: anywhere; }
td.cell { text-align: center; font-variant-numeric: tabular-nums; font-weight: 600;
  min-width: 84px; border-left: 1px solid var(--paper); }
td.cell a { color: inherit; display: block; }
[data-status="green"].cell { background: var(--green-bg); color: var(--green-fg); }
[data-status="yellow"].cell { background: var(--yellow-bg); color: var(--yellow-fg); }
[data-status="red"].cell { background: var(--red-bg); color: var(--red-fg); }
[data-status="skip"].cell, [data-status="none"].cell { background: var(--none-bg);
  color: var(--none-fg); font-weight: 400; }
.pill { display: inline-block; min-width: 62px; text-align: center; border-radius: 999px;
  padding: 2px 10px; color: #fff; font-weight: 700; font-size: 12px;
  text-transform: uppercase; letter-spacing: .4px; }
.pill[data-status="green"] { background: var(--green); }
.pill[data-status="yellow"] { background: var(--yellow); }
.pill[data-status="red"] { background: var(--red); }
.pill[data-status="skip"] { background: var(--grey); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.low { color: var(--red-fg); font-weight: 600; }
.bar { display: block; height: 4px; background: var(--none-bg); border-radius: 2px;
  margin-top: 4px; min-width: 70px; }
.bar > span { display: block; height: 4px; border-radius: 2px; background: #57606a; }
.strip { display: inline-flex; gap: 2px; align-items: center; vertical-align: middle; }
.tick { display: inline-block; width: 12px; height: 16px; border-radius: 2px;
  background: var(--grey); color: #fff; font-size: 9px; line-height: 16px;
  text-align: center; font-weight: 700; overflow: hidden; }
.tick[data-status="green"] { background: var(--green); }
.tick[data-status="yellow"] { background: var(--yellow); }
.tick[data-status="red"] { background: var(--red); }
.tick.incomplete { opacity: .45; }
.legend { color: var(--muted); font-size: 12.5px; display: flex; gap: 16px;
  flex-wrap: wrap; }
h2 { font-size: 16px; margin: 22px 0 10px; }
ul.reasons { margin: 0 0 14px; padding-left: 20px; }
ul.reasons li { margin: 2px 0; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
  gap: 10px; margin-bottom: 8px; }
.fact { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  padding: 10px 12px; }
.fact .k { color: var(--muted); font-size: 11.5px; text-transform: uppercase;
  letter-spacing: .5px; }
.fact .v { font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
tr.check > td { border-bottom: 0; }
tr.detail > td { padding-top: 0; }
tr.check td.id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12.5px; white-space: nowrap; }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 12.5px; }
pre.msg { margin: 0 0 6px; white-space: pre-wrap; background: #f6f8fa;
  border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px;
  max-height: 260px; overflow: auto; }
code.repro { display: block; background: #24292f; color: #e6edf3; padding: 7px 10px;
  border-radius: 6px; white-space: pre-wrap; word-break: break-all; }
.muted { color: var(--muted); }
.areas { display: flex; flex-wrap: wrap; gap: 8px; }
.areas .cell { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px;
  min-width: 150px; }
.mark { display: inline-block; border-radius: 999px; padding: 1px 8px; font-weight: 700;
  font-size: 12px; white-space: nowrap; background: var(--none-bg); color: var(--none-fg); }
.mark[data-status="green"] { background: var(--green-bg); color: var(--green-fg); }
.mark[data-status="yellow"] { background: var(--yellow-bg); color: var(--yellow-fg); }
.mark[data-status="red"] { background: var(--red-bg); color: var(--red-fg); }
.chip .mark { background: none; padding: 0; }
table.exchanges th.exchange { font-size: 14px; text-transform: none; letter-spacing: 0;
  color: var(--ink); background: var(--paper); width: 14%; }
table.exchanges thead th { width: 28%; }
table.exchanges th.exchange .note { font-weight: 400; font-size: 12px; }
table.exchanges td.market { vertical-align: top; }
.impl { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 2px 8px;
  border: 1px solid var(--line); border-left-width: 4px; border-radius: 6px;
  padding: 4px 8px; margin: 2px 6px 2px 0; color: var(--ink); background: var(--paper); }
.impl[data-status="green"] { border-left-color: var(--green); }
.impl[data-status="yellow"] { border-left-color: var(--yellow); }
.impl[data-status="red"] { border-left-color: var(--red); }
.impl .impl-name { font-weight: 600; }
.impl .checks { color: var(--muted); font-size: 12.5px; font-variant-numeric: tabular-nums; }
.impl .since, td.since { color: var(--red-fg); font-size: 12px; }
.uncovered { color: var(--none-fg); font-style: italic; }
h2.title { font-size: 22px; }
h2.title .identity { font-size: 14px; font-weight: 400; }
p.statement { font-size: 15px; margin: 0 0 4px; }
details.rest > summary { cursor: pointer; font-weight: 600; margin: 6px 0 10px; }
table.runs td.changes { font-size: 12.5px; }
.change.new-failure b { color: var(--red-fg); }
.change.fix b { color: var(--green-fg); }
code.changed { background: var(--yellow-bg); padding: 0 3px; border-radius: 3px; }
td.detail { max-width: 640px; }
td.detail pre.msg, td.detail code.repro { overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 12px; padding: 0 32px 28px; }
@media (max-width: 700px) { main, header.top, footer { padding-left: 14px;
  padding-right: 14px; } }
"""

# Progressive enhancement only: every page is complete without it.
INDEX_JS = """
(function () {
  var buttons = document.querySelectorAll(".filters button");
  var rows = document.querySelectorAll("tr[data-connector]");
  function apply(filter) {
    rows.forEach(function (row) {
      var show = filter === "all" || row.getAttribute("data-status") === filter;
      row.hidden = !show;
    });
    buttons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.filter === filter));
    });
  }
  buttons.forEach(function (button) {
    button.addEventListener("click", function () { apply(button.dataset.filter); });
  });
  apply("all");
  document.body.setAttribute("data-ready", "1");
})();
"""
