import { mount } from 'svelte';
import App from './App.svelte';
import './theme.css';

mount(App, { target: document.getElementById('app')! });

// Lets the editor open while the hub is down (serviceWorker.ts), registered once the page has
// loaded so that installing it never competes with that. The embed widget, framed by other
// sites, does without. Browsers offer service workers only on https and on localhost.
if ('serviceWorker' in navigator && !window.location.pathname.startsWith('/embed')) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/service-worker.js').catch(() => undefined);
  });
}
