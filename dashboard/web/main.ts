import { me } from './api.js';
import { clear, el } from './dom.js';
import { alertsView } from './views/alerts-view.js';
import { demandView } from './views/demand-view.js';
import { exploreView } from './views/explore-view.js';
import { liveView } from './views/live-view.js';
import { pipelineView } from './views/pipeline-view.js';
import { recordsView } from './views/records-view.js';
import { exportsView } from './views/exports-view.js';
import { reportsView } from './views/reports-view.js';

/** The browser app: hash routes (#/live, #/explore, #/records/<kind>, #/demand/<id>, #/pipeline, #/alerts, #/reports, #/exports). */
const root = document.getElementById('app');
let cleanup: () => void = () => undefined;

function route(): void {
  if (!root) return;
  cleanup();
  clear(root);
  const [path = '', search = ''] = window.location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const [, view = 'live', argument = ''] = path.split('/');
  switch (view) {
    case 'explore':
      cleanup = exploreView(root, params);
      break;
    case 'records':
      cleanup = recordsView(root, argument, params);
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
nav?.replaceChildren(
  ...[
    ['#/live', 'Live'],
    ['#/explore', 'Explore'],
    ['#/pipeline', 'Pipeline'],
    ['#/alerts', 'Alerts'],
    ['#/reports', 'Reports'],
    ['#/exports', 'Exports'],
  ].map(([href, label]) => el('a', { href }, label ?? '')),
);
void me().then(() => {
  window.addEventListener('hashchange', route);
  route();
});
