import type { ChildFollow, ThreadFollow } from './types.js';

const MAX_LINES = 12;

function childLines(children: readonly ChildFollow[], indent: string, out: string[]): void {
  for (const c of children) {
    if (out.length >= MAX_LINES) return;
    out.push(`${indent}${c.pid} ${c.comm} ${c.state}  ${c.wait.kind}${c.wait.function ? ` (${c.wait.function})` : ''}${c.threadCount > 1 ? `  ${c.threadCount} threads` : ''}`);
    childLines(c.children, `${indent}  `, out);
  }
}

/**
 * A thread's follow record as short plain lines, for the dashboard's thread detail and the text
 * report: the summary first, then the targets (at most 12 lines). Pure; no colours.
 */
export function followLines(follow: ThreadFollow | null | undefined): string[] {
  if (!follow) return [];
  const out = [follow.summary];
  switch (follow.kind) {
    case 'epoll':
      for (const t of follow.epoll.targets) {
        if (out.length >= MAX_LINES - 1) break;
        out.push(`  fd ${t.fd}: ${t.text}`);
      }
      if (follow.epoll.watched > out.length - 1) out.push(`  … ${follow.epoll.watched - (out.length - 1)} more watched fds`);
      break;
    case 'children':
      childLines(follow.children.children, '  ', out);
      if (follow.children.children.length > 0 && out.length >= MAX_LINES) out.push('  …');
      break;
    case 'fd':
      if ((follow.target.type === 'unix') && follow.target.peerBasis) out.push(`  peer found by ${follow.target.peerBasis}`);
      break;
    case 'futex':
      break;
  }
  return out;
}
