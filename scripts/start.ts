import { preview } from 'vite';

// `npm start`: the built app on http://127.0.0.1:5173 (PORT to change it). Loopback only.
const port = Number(process.env.PORT ?? 5173);
const server = await preview({ preview: { host: '127.0.0.1', port, strictPort: true } });
server.printUrls();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void server.close().then(() => process.exit(0)));
}
