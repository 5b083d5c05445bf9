/** The dashboard's stylesheet, served at /static/quoteflow.css (kept in code so the build needs no copy step). */
export const STYLESHEET = `
:root { font-family: system-ui, sans-serif; color: #1d2330; background: #f5f6f8; }
body { margin: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
.login { max-width: 22rem; margin-top: 10vh; background: #fff; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
.login form { display: grid; gap: 0.8rem; }
.login label { display: grid; gap: 0.3rem; font-size: 0.9rem; }
input, button { font: inherit; padding: 0.5rem; border: 1px solid #c9ced8; border-radius: 4px; }
button { background: #2356d8; color: #fff; border: 0; cursor: pointer; }
.error { color: #b00020; }
header.bar { display: flex; justify-content: space-between; align-items: center; padding: 0.8rem 1.5rem; background: #1d2330; color: #fff; }
header.bar form { margin: 0; }
nav { display: flex; gap: 1rem; padding: 0.5rem 1.5rem; background: #e4e7ee; }
nav a { color: #1d2330; text-decoration: none; font-weight: 600; }
form.filters { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: end; margin-bottom: 1rem; }
form.filters label { display: grid; gap: 0.2rem; font-size: 0.8rem; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: 0.8rem; margin: 1rem 0; }
.tile { background: #fff; border-radius: 8px; padding: 0.8rem; box-shadow: 0 1px 3px #0002; display: grid; gap: 0.3rem; }
.tile span { font-size: 0.8rem; color: #5a6273; }
.tile strong { font-size: 1.5rem; }
.chart { position: relative; height: 18rem; background: #fff; border-radius: 8px; padding: 0.5rem; margin-bottom: 1rem; }
table { border-collapse: collapse; background: #fff; width: 100%; font-size: 0.85rem; }
th, td { border-bottom: 1px solid #e4e7ee; padding: 0.35rem 0.5rem; text-align: left; }
.status { color: #5a6273; font-size: 0.8rem; }
tr.alert-firing td:first-child { color: #b00020; font-weight: 700; }
tr.alert-resolved td:first-child { color: #1b7f3b; }
`;
