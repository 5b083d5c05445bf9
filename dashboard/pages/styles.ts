/** The dashboard's stylesheet, served at /static/quoteflow.css (kept in code so the build needs no copy step). */
export const STYLESHEET = `
:root { font-family: system-ui, sans-serif; color: #1d2330; background: #f5f6f8; --muted: #4f5868; --line: #e1e5ec; --accent: #1f4fc4; }
* { box-sizing: border-box; }
body { margin: 0; }
main { max-width: 96rem; margin: 0 auto; padding: 1rem 1.5rem 2rem; }
h2 { margin: 0.5rem 0 0.8rem; font-size: 1.4rem; }
h3 { margin: 1.4rem 0 0.5rem; font-size: 1.05rem; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #e69f00; outline-offset: 2px; }
.login { max-width: 22rem; margin-top: 10vh; background: #fff; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
.login form { display: grid; gap: 0.8rem; }
.login label { display: grid; gap: 0.3rem; font-size: 0.9rem; }
input, button, select { font: inherit; padding: 0.45rem 0.5rem; border: 1px solid #aab2c0; border-radius: 4px; background: #fff; color: inherit; }
button { background: var(--accent); color: #fff; border: 0; cursor: pointer; }
button:disabled { background: #8d97a8; cursor: default; }
button.secondary { background: #fff; color: var(--accent); border: 1px solid var(--accent); }
.error { color: #b00020; }
.error:empty { display: none; }
header.bar { display: flex; flex-wrap: wrap; gap: 0.5rem; justify-content: space-between; align-items: center; padding: 0.6rem 1.5rem; background: #1d2330; color: #fff; }
header.bar form { margin: 0; }
nav { display: flex; flex-wrap: wrap; gap: 0.2rem 1rem; padding: 0.5rem 1.5rem; background: #e4e7ee; }
nav a { color: #1d2330; text-decoration: none; font-weight: 600; padding: 0.2rem 0; border-bottom: 3px solid transparent; }
nav a[aria-current=page] { border-bottom-color: var(--accent); }
form.filters { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: end; margin-bottom: 1rem; }
form.filters label { display: grid; gap: 0.2rem; font-size: 0.8rem; color: var(--muted); }
form.filters input:not([type=checkbox]):not([type=date]) { width: 9rem; }
fieldset { border: 0; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.4rem 0.9rem; align-items: center; font-size: 0.85rem; }
fieldset legend { font-size: 0.8rem; color: var(--muted); padding: 0; margin-right: 0.4rem; float: left; }
.segmented { display: inline-flex; gap: 0; border: 1px solid #aab2c0; border-radius: 4px; overflow: hidden; }
.segmented button { border-radius: 0; background: #fff; color: #1d2330; }
.segmented button[aria-pressed=true] { background: var(--accent); color: #fff; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 0.8rem; margin: 1rem 0; }
.tile { min-width: 0; background: #fff; border-radius: 8px; padding: 0.8rem; box-shadow: 0 1px 3px #0002; display: grid; gap: 0.25rem; align-content: start; }
.tile > span { font-size: 0.8rem; color: var(--muted); }
.tile strong { font-size: 1.5rem; font-variant-numeric: tabular-nums; }
.tile .compare { font-size: 0.75rem; color: var(--muted); display: grid; gap: 0.1rem; }
.tile .up { color: #006e4f; } .tile .down { color: #b00020; }
.spark { position: relative; height: 2.4rem; width: 100%; overflow: hidden; }
.card .spark { height: 4rem; }
.chart { position: relative; height: 18rem; background: #fff; border-radius: 8px; padding: 0.5rem; margin-bottom: 1rem; }
.table-wrap { overflow: auto; max-height: 70vh; max-width: 100%; background: #fff; border-radius: 6px; box-shadow: 0 1px 3px #0001; }
table { border-collapse: collapse; background: #fff; width: 100%; font-size: 0.85rem; }
th, td { border-bottom: 1px solid var(--line); padding: 0.4rem 0.6rem; text-align: left; white-space: nowrap; }
thead th { position: sticky; top: 0; background: #eef1f6; z-index: 1; font-weight: 600; }
tbody th { background: #f7f8fa; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.wrap { white-space: normal; min-width: 16rem; }
.pager { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: center; margin: 0.6rem 0; }
.status, .muted { color: var(--muted); font-size: 0.8rem; }
.loading { color: var(--muted); font-style: italic; }
.empty { display: grid; gap: 0.3rem; padding: 1.2rem; background: #fff; border: 1px dashed #aab2c0; border-radius: 8px; margin: 0.5rem 0; }
.empty span { color: var(--muted); font-size: 0.9rem; }
.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 2px; margin-right: 0.35rem; vertical-align: -0.1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(19rem, 1fr)); gap: 0.8rem; margin: 0.5rem 0 1rem; }
.card { background: #fff; border-radius: 8px; padding: 0.8rem; box-shadow: 0 1px 3px #0002; display: grid; gap: 0.4rem; align-content: start; border-top: 4px solid #8d97a8; min-width: 0; }
.card.state-running, .card.state-ok { border-top-color: #009e73; }
.card.state-failing, .card.state-stopped, .card.state-error { border-top-color: #d55e00; }
.card.state-starting, .card.state-behind { border-top-color: #e69f00; }
.card h4 { margin: 0; font-size: 1rem; display: flex; justify-content: space-between; gap: 0.5rem; }
.card dl { display: grid; grid-template-columns: auto 1fr; gap: 0.15rem 0.8rem; margin: 0; font-size: 0.85rem; }
.card dt { color: var(--muted); }
.card dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.badge { font-size: 0.75rem; font-weight: 600; padding: 0.1rem 0.45rem; border-radius: 999px; background: #e4e7ee; }
details pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.75rem; background: #f5f6f8; padding: 0.4rem; margin: 0.3rem 0 0; }
tr.alert-firing td:first-child { color: #b00020; font-weight: 700; }
tr.alert-resolved td:first-child { color: #1b7f3b; }
@media (max-width: 640px) {
  main { padding: 0.8rem; }
  header.bar, nav { padding-left: 0.8rem; padding-right: 0.8rem; }
  form.filters input:not([type=checkbox]):not([type=date]), form.filters input[type=date] { width: 100%; }
  form.filters label { flex: 1 1 9rem; }
  .chart { height: 14rem; }
  .tiles { grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: 0.5rem; }
  .tile strong { font-size: 1.25rem; }
}
`;
