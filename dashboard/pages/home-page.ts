import type { PublicUser } from '../auth/user.js';
import { escapeHtml, page } from './html.js';

/** The signed-in frame: who is signed in, and the way out. The views hang below it. */
export function homePage(user: PublicUser, csrfToken: string): string {
  return page(
    'Dashboard',
    `<header class="bar">
<strong>Quoteflow</strong>
<span>${escapeHtml(user.name || user.email)} (${escapeHtml(user.role)})</span>
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}"><button type="submit">Sign out</button></form>
</header>
<main id="app"></main>`,
  );
}
