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
`;
