/** Number formatting shared by the text report and the dashboard. */

export function formatBytes(n: number | null): string {
  if (n === null) return 'n/a';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 || u === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

/** Bytes per second, `n/a` alone when unknown (never `n/a/s`). */
export function formatByteRate(n: number | null): string {
  return n === null ? 'n/a' : `${formatBytes(n)}/s`;
}

export function formatRate(n: number | null, unit = '/s'): string {
  if (n === null) return 'n/a';
  return `${n >= 100 ? n.toFixed(0) : n.toFixed(1)}${unit}`;
}

export function formatPercent(n: number | null): string {
  return n === null ? 'n/a' : `${n.toFixed(1)} %`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'n/a';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${(seconds).toFixed(seconds < 10 ? 1 : 0)}s`;
}

export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  return s.length <= width ? s : `${s.slice(0, Math.max(0, width - 1))}…`;
}

export function padEnd(s: string, width: number): string {
  const t = truncate(s, width);
  return t + ' '.repeat(Math.max(0, width - t.length));
}
