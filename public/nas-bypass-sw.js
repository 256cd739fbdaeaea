// Imported by the generated service worker (workbox importScripts). Requests to the NAS (WebDAV PUT, MOVE,
// PROPFIND, GET of run files, from the sync worker and the page) go straight to the network, without a
// round trip through this service worker, which has nothing to do with them: Chromium's static routing
// (InstallEvent.addRoutes, Chrome 123+) decides in the browser process. The app's own files (/assets/,
// precached for offline start), navigations and the share target's POST still reach the fetch handlers.
self.addEventListener('install', (event) => {
  if (typeof event.addRoutes !== 'function') return;
  event.addRoutes([
    { condition: { urlPattern: new URLPattern({ pathname: '/assets/*' }) }, source: 'fetch-event' },
    { condition: { requestMethod: 'POST' }, source: 'fetch-event' },
    // fetch() and XMLHttpRequest have the empty destination; scripts, styles, documents and the manifest do not.
    { condition: { requestDestination: '' }, source: 'network' },
  ]);
});
