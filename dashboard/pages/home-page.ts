import type { PublicUser } from '../auth/user.js';
import { escapeHtml, page } from './html.js';

/** The signed-in frame: who is signed in, the way out, and the browser app (dist/public/app.js) below. */
export function homePage(user: PublicUser, csrfToken: string): string {
  return page(
    'Dashboard',
    `<header class="bar">
<strong>Quoteflow</strong>
<span>${escapeHtml(user.name || user.email)} (${escapeHtml(user.role)})</span>
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}"><button type="submit">Sign out</button></form>
</header>
<nav id="nav"></nav>
<main id="app"></main>
<script type="module" src="/static/app.js"></script>`,
  );
}
