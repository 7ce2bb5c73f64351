import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireProgram } from '../support/exporter.js';
import { exposedMetricNames } from './support.js';

const DIR = join(import.meta.dirname, '..', '..', 'deploy', 'prometheus');

interface Rule {
  readonly alert: string;
  readonly expr: string;
  readonly annotations: { readonly summary: string };
}

describe('the shipped alert rules (deploy/prometheus/rules.yml)', () => {
  const rules = (parse(readFileSync(join(DIR, 'rules.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

  it('pass promtool check rules and promtool test rules', () => {
    const promtool = requireProgram('promtool', 'prometheus');
    const check = spawnSync(promtool, ['check', 'rules', join(DIR, 'rules.yml')], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const test = spawnSync(promtool, ['test', 'rules', join(DIR, 'rules.test.yml')], { encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toContain('SUCCESS');
  });

  it('cover D state, a lock queue, listen overflows, PSI full and the exporter\'s own cost, each naming a proctriage command', () => {
    const exprs = rules.map((r) => r.expr).join('\n');
    for (const metric of ['proctriage_uninterruptible_longest_seconds', 'proctriage_lock_queue_threads', 'proctriage_tcp_listen_overflows_total', 'proctriage_pressure_avg10_ratio', 'proctriage_sampling_cpu_seconds_total']) {
      expect(exprs).toContain(metric);
    }
    expect(exprs).toMatch(/line="full"/);
    for (const rule of rules) expect(rule.annotations.summary, rule.alert).toMatch(/`proctriage (triage|top)[^`]*`/);
    for (const rule of rules) expect(rule.annotations.summary, rule.alert).toContain('proctriage triage');
  });

  it('use only metrics the exporters expose', () => {
    const exposed = exposedMetricNames();
    for (const rule of rules) {
      for (const name of rule.expr.match(/\bproctriage_[a-z0-9_]+/g) ?? []) expect(exposed, `${rule.alert}: ${name}`).toContain(name);
    }
  });
});
