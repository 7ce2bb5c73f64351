import { UserError } from '../procfs/errors.js';
import type { ListenAddress, MetricsServer } from '../metrics/server.js';
import { EXIT } from './errors.js';

/** A port in use or an address this host does not have is the user's to fix: one line, exit 2. */
export async function listenOrFail(listen: ListenAddress, start: () => Promise<MetricsServer>): Promise<MetricsServer> {
  try {
    return await start();
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
    const why = code === 'EADDRINUSE' ? 'the address is in use' : code === 'EADDRNOTAVAIL' ? 'this host has no such address' : code === 'EACCES' ? 'permission denied' : err instanceof Error ? err.message : String(err);
    throw new UserError(`cannot listen on ${listen.host ?? '*'}:${listen.port}: ${why}`, EXIT.usage);
  }
}

/** SIGTERM and SIGINT end the feed (and so the command) cleanly; returns the listeners' removal. */
export function stopOnSignals(feed: { stop(): void }): () => void {
  const stop = () => feed.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return () => {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  };
}
