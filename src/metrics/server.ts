import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Rendered } from './exposition.js';

/** Where to listen: a host (null: every interface) and a port (0: one the kernel picks). */
export interface ListenAddress {
  readonly host: string | null;
  readonly port: number;
}

export interface MetricsServer {
  /** `http://host:port`, with the port the kernel picked. */
  readonly url: string;
  readonly port: number;
  /** Stop listening and end every connection. */
  close(): Promise<void>;
}

/** Connections at once (beyond, new ones are closed): a few Prometheus servers and people with curl; it bounds memory. */
const MAX_CONNECTIONS = 64;
/** A client that sends no complete request, or reads no response, for this long is cut off. */
const IDLE_MS = 30_000;

const LANDING = (what: string) => `proctriage ${what}\n\n/metrics  Prometheus text format (OpenMetrics with Accept: application/openmetrics-text)\n`;

/**
 * The HTTP side of an exporter: `/metrics` answers with `render` (which serves the state as it
 * is: it never samples), `/` with a line saying so, anything else 404. A slow or stuck scraper
 * costs a buffered response and a socket until it times out; it never holds up sampling, and
 * concurrent scrapes are independent.
 */
export async function startMetricsServer(address: ListenAddress, what: string, render: (accept: string | undefined) => Promise<Rendered>): Promise<MetricsServer> {
  const server = createServer({ requestTimeout: IDLE_MS, headersTimeout: 10_000, keepAliveTimeout: 5_000 }, (req, res) => {
    handle(req, res, what, render).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('internal error\n');
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.timeout = IDLE_MS;
  await listen(server, address);
  // Listening, a server error (out of fds to accept with) is no reason to stop sampling: said once.
  let told = false;
  server.on('error', (err) => {
    if (!told) process.stderr.write(`proctriage: the metrics server: ${err.message}\n`);
    told = true;
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}`,
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, address: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: address.port, ...(address.host !== null ? { host: address.host } : {}) }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, what: string, render: (accept: string | undefined) => Promise<Rendered>): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('only GET and HEAD\n');
    return;
  }
  if (path === '/metrics') {
    const { contentType, body } = await render(req.headers.accept);
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  if (path === '/') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(LANDING(what));
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: try /metrics\n');
}
