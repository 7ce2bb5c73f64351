import { expect } from 'vitest';
import { createProcFs } from '../../src/procfs/procfs.js';
import { LiveSession } from '../../src/session/live.js';
import type { Diagnosis } from '../../src/diagnose/types.js';
import type { Insights } from '../../src/diagnose/insights/types.js';
import { renderTextReport } from '../../src/report/text.js';
import { PLAIN } from '../../src/report/style.js';
import { detailLines, detailPanel } from '../../src/ui/panels/detail.js';
import { plainText } from '../../src/ui/text.js';

/** `proctriage triage PID` in process: a full sample, looks for `intervalMs`, a full sample; PSI ignored (threshold 100 %). */
export async function triageFor(pid: number, intervalMs = 1000): Promise<Diagnosis> {
  const session = new LiveSession(createProcFs({ keepOpen: 4096 }), pid, { threshold: 100 });
  try {
    session.step();
    await session.observeFor(intervalMs);
    const step = session.step();
    expect(step.ended).toBeNull();
    return step.diagnosis!;
  } finally {
    session.close();
  }
}

/** The three places an insight shows: the JSON, the text report, and the dashboard's thread detail. */
export interface InsightViews {
  /** `triage --json`, parsed back: what a program reads. */
  readonly json: { readonly insights: Insights };
  /** `triage` (verbose: every piece of evidence). */
  readonly report: string;
  /** The dashboard's detail of thread `tid`: the side panel and the Enter overlay, as plain text. */
  readonly side: string;
  readonly full: string;
}

export function viewsOf(d: Diagnosis, tid: number = d.process.pid): InsightViews {
  const json = JSON.parse(JSON.stringify(d)) as { insights: Insights };
  expect(json.insights, 'insights in the JSON').toBeDefined();
  const report = renderTextReport(d, { style: PLAIN, verbose: true });
  const thread = d.threads.find((t) => t.tid === tid) ?? null;
  const group = d.waitGroups.find((g) => g.tids.includes(tid));
  const input = { thread, snapshot: null, groupSize: group?.count ?? 1, groupTids: group?.tids ?? [tid], ...(d.insights ? { insights: d.insights } : {}) };
  const side = detailPanel(input, { width: 400, height: 30 }).lines.map(plainText).join('\n');
  const full = detailLines(input, 160, true).map(plainText).join('\n');
  return { json, report, side, full };
}

/** Text wrapped by the dashboard (or cut by the report) compared as one line of words. */
export function flat(text: string): string {
  return text.replace(/\n\s+/g, ' ').replace(/\s+/g, ' ');
}
