import { me } from './api.js';
import { clear, el } from './dom.js';
import { setZone } from './format.js';
import { alertsView } from './views/alerts-view.js';
import { demandView } from './views/demand-view.js';
import { demandsView } from './views/demands-view.js';
import { exploreView } from './views/explore-view.js';
import { funnelView } from './views/funnel-view.js';
import { liveView } from './views/live-view.js';
import { pipelineView } from './views/pipeline-view.js';
import { recordsView } from './views/records-view.js';
import { exportsView } from './views/exports-view.js';
import { reportsView } from './views/reports-view.js';

/** The browser app: hash routes (#/live, #/explore, #/demands, #/funnel, #/records/<kind>, #/demand/<id>, #/pipeline, #/alerts, #/reports, #/exports). */
const root = document.getElementById('app');
let cleanup: () => void = () => undefined;

const NAV: [string, string][] = [
  ['live', 'Live'],
  ['explore', 'Explore'],
  ['demands', 'Demands'],
  ['funnel', 'Funnel'],
  ['pipeline', 'Pipeline'],
  ['alerts', 'Alerts'],
  ['reports', 'Reports'],
  ['exports', 'Exports'],
];

function route(): void {
  if (!root) return;
  cleanup();
  clear(root);
  const [path = '', search = ''] = window.location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const [, view = 'live', argument = ''] = path.split('/');
  for (const link of document.querySelectorAll('#nav a'))
    if (link.getAttribute('data-view') === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  switch (view) {
    case 'explore':
      cleanup = exploreView(root, params);
      break;
    case 'records':
      cleanup = recordsView(root, argument, params);
      break;
    case 'demands':
      cleanup = demandsView(root, params);
      break;
    case 'funnel':
      cleanup = funnelView(root, params);
      break;
    case 'demand':
      cleanup = demandView(root, decodeURIComponent(argument));
      break;
    case 'pipeline':
      cleanup = pipelineView(root);
      break;
    case 'alerts':
      cleanup = alertsView(root);
      break;
    case 'reports':
      cleanup = reportsView(root);
      break;
    case 'exports':
      cleanup = exportsView(root);
      break;
    default:
      cleanup = liveView(root, params);
  }
}

const nav = document.getElementById('nav');
nav?.setAttribute('aria-label', 'Views');
nav?.replaceChildren(...NAV.map(([view, label]) => el('a', { href: `#/${view}`, 'data-view': view }, label)));
void me().then(({ zone }) => {
  setZone(zone);
  window.addEventListener('hashchange', route);
  route();
});
