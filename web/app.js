// The dashboard page: a hash router over the views of views.js. Plain ES modules, no build step.
import { VIEWS } from './views.js';

const root = document.getElementById('view');
const updated = document.getElementById('updated');
/** The view's poll timer: cleared when another view is shown. */
let timer = null;
/** Bumped on every navigation, so an answer for a view left behind is dropped. */
let generation = 0;

async function show() {
  const [name, ...rest] = location.hash.replace(/^#/, '').split('/');
  const view = VIEWS[name] ?? VIEWS.runs;
  const arg = decodeURIComponent(rest.join('/'));
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.getAttribute('href') === `#${name || 'runs'}`);
  clearInterval(timer);
  const mine = ++generation;
  const current = () => mine === generation;
  root.replaceChildren();
  try {
    const refresh = await view(root, arg, current);
    // A view that returns a refresher is live: it is called again every 2 s while shown.
    if (typeof refresh === 'function' && current()) {
      timer = setInterval(async () => {
        try {
          await refresh();
          updated.textContent = `updated ${new Date().toLocaleTimeString()}`;
        } catch (error) {
          updated.textContent = `update failed: ${error.message}`;
        }
      }, 2000);
    }
    updated.textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (current()) root.textContent = `Could not load: ${error.message}`;
  }
}

addEventListener('hashchange', show);
show();
