// Imported by the generated service worker (workbox importScripts), before workbox's own handlers.
// Android's share sheet POSTs the shared files here (manifest share_target). They are kept in a cache
// until the page takes them, and the page opens "New run" with them (src/ui/sharedFiles.ts).
const SHARE_CACHE = 'exlab-shared-files';

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'POST' || url.pathname !== '/share-target') return;
  event.respondWith(
    (async () => {
      const form = await event.request.formData();
      const cache = await caches.open(SHARE_CACHE);
      for (const key of await cache.keys()) await cache.delete(key);
      const files = form.getAll('files').filter((f) => f instanceof File);
      let i = 0;
      for (const file of files) {
        await cache.put(
          `/shared/${i++}`,
          new Response(file, { headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name) } }),
        );
      }
      return Response.redirect(`/?shared=${files.length}`, 303);
    })(),
  );
});
