/**
 * The dashboard's icon, served publicly at /favicon.ico and /static/favicon.svg. Browsers ask for
 * /favicon.ico on their own, before and after sign-in: without an answer every first visit logged a
 * 401 (before sign-in) and a 404 (after) in the browser's console.
 */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="6" fill="#1d2330"/>
<path d="M7 22 L13 14 L18 18 L25 9" fill="none" stroke="#56b4e9" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`;
