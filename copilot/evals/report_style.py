"""The eval report's stylesheet, inlined into `report.html` so the file stands alone."""

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; }
h1, h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ddd; padding: .25rem .6rem; text-align: left; vertical-align: top; }
table.summary td, table.quality td { text-align: right; font-variant-numeric: tabular-nums; }
td.pass { color: #1a7f37; }
td.fail { color: #b42318; font-weight: 600; }
section.case { border: 1px solid #ddd; border-radius: 6px; padding: .5rem 1rem; margin: 1rem 0; }
section.case.failing { border-left: 6px solid #b42318; }
section.case.ok { border-left: 6px solid #1a7f37; }
.arms { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.arm { min-width: 0; }
.arm h4 { margin: .3rem 0; }
.arm small, .section, .near { color: #666; font-size: 12px; }
ol.units li { margin: .2rem 0; }
mark.fail { background: #ffd8d3; border-bottom: 2px solid #b42318; padding: 0 .1rem; }
ul.findings { font-size: 13px; color: #444; }
pre { white-space: pre-wrap; background: #f6f8fa; padding: .5rem; }
.na { color: #888; font-style: italic; }
.message { background: #fff8e1; padding: .3rem .5rem; }
"""
