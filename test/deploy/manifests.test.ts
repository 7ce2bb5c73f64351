import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildProgram } from '../../src/cli/main.js';
import { exposedMetricNames } from './support.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** `serve` with these arguments, parsed as the CLI would (without running it). */
function serveOptions(args: readonly string[]): Record<string, unknown> {
  const serve = buildProgram(() => {}).commands.find((c) => c.name() === 'serve')!;
  const { operands, unknown } = serve.parseOptions([...args]);
  expect(operands).toEqual([]);
  expect(unknown).toEqual([]);
  return serve.opts();
}

interface Container {
  args: string[];
  env?: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports: { containerPort: number; hostPort?: number; name: string }[];
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  securityContext?: { readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[]; add?: string[] } };
}

describe('the Kubernetes DaemonSet (deploy/kubernetes/daemonset.yaml)', () => {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'kubernetes', 'daemonset.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
  const ds = docs.find((d) => d.kind === 'DaemonSet') as { spec: { template: { spec: { hostNetwork: boolean; containers: Container[]; volumes: { name: string; hostPath: { path: string } }[] } } } };
  const pod = ds.spec.template.spec;
  const container = pod.containers[0]!;

  it('parses, and runs serve with flags the CLI accepts', () => {
    expect(docs).toHaveLength(1);
    expect(container.args[0]).toBe('serve');
    // $(NODE_IP) is the kubelet's: the node's own address from the downward API.
    expect(container.env?.find((e) => e.name === 'NODE_IP')?.valueFrom?.fieldRef?.fieldPath).toBe('status.hostIP');
    const opts = serveOptions(container.args.slice(1).map((a) => a.replace('$(NODE_IP)', '10.1.2.3')));
    expect(opts).toMatchObject({ listen: { host: '10.1.2.3', port: 9808 }, procRoot: '/host/proc', cgroupRoot: '/host/sys/fs/cgroup' });
  });

  it('exposes the port it listens on, on the host network', () => {
    const port = (serveOptions(container.args.slice(1).map((a) => a.replace('$(NODE_IP)', '10.1.2.3'))).listen as { port: number }).port;
    expect(pod.hostNetwork).toBe(true);
    expect(container.ports).toContainEqual(expect.objectContaining({ name: 'metrics', containerPort: port }));
  });

  it('mounts the host\'s /proc and /sys/fs/cgroup read-only where the flags point, and nothing writable', () => {
    const mountOf = (hostPath: string) => {
      const volume = pod.volumes.find((v) => v.hostPath?.path === hostPath);
      expect(volume, hostPath).toBeDefined();
      return container.volumeMounts.find((m) => m.name === volume!.name)!;
    };
    expect(mountOf('/proc')).toEqual({ name: 'proc', mountPath: '/host/proc', readOnly: true });
    expect(mountOf('/sys/fs/cgroup')).toEqual({ name: 'cgroup', mountPath: '/host/sys/fs/cgroup', readOnly: true });
    for (const m of container.volumeMounts) expect(m.readOnly, m.mountPath).toBe(true);
    expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(container.securityContext?.capabilities?.drop).toEqual(['ALL']);
  });
});

describe('the Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  it('runs serve on the host mounts with flags the CLI accepts, and exposes its port', () => {
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(text)![1]!) as string[];
    expect(cmd[0]).toBe('serve');
    const opts = serveOptions(cmd.slice(1));
    expect(opts).toMatchObject({ listen: { host: null, port: 9808 }, procRoot: '/host/proc', cgroupRoot: '/host/sys/fs/cgroup' });
    expect(text).toMatch(/^EXPOSE 9808$/m);
    expect(JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(text)![1]!)).toEqual(['node', '/opt/proctriage/bin/proctriage']);
  });
});

/** PromQL words that are not metric names. */
const PROMQL = new Set(['sum', 'min', 'max', 'avg', 'count', 'topk', 'bottomk', 'by', 'without', 'rate', 'irate', 'increase', 'histogram_quantile', 'and', 'or', 'unless', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'label_values', 'min_over_time', 'max_over_time', 'avg_over_time']);

/** The metric names an expression selects (label matchers, by-lists, ranges, strings and $variables left out). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '')
    // Grafana's label_values(metric, label): the second argument is a label.
    .replace(/\blabel_values\(([^,()]+),\s*\w+\)/g, '$1')
    .replace(/\$\w+/g, '');
  return (bare.match(/[A-Za-z_:][A-Za-z0-9_:]*/g) ?? []).filter((w) => !PROMQL.has(w));
}

describe('the Grafana dashboard (deploy/grafana/proctriage.json)', () => {
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy', 'grafana', 'proctriage.json'), 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
    templating: { list: { query: string | { query: string } }[] };
  };
  const exprs = [
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => [p.title, t.expr] as const)),
    ...dashboard.templating.list.map((v) => ['templating', typeof v.query === 'string' ? '' : v.query.query] as const).filter(([, q]) => q !== ''),
  ];

  it('has panels for the waits, D state, lock queues, PSI, accept queues, verdicts and the exporter\'s cost', () => {
    const all = exprs.map(([, e]) => e).join('\n');
    for (const metric of ['proctriage_average_active_threads', 'proctriage_uninterruptible_threads', 'proctriage_lock_queue_threads', 'proctriage_pressure_avg10_ratio', 'proctriage_cgroup_pressure_avg10_ratio', 'proctriage_tcp_listen_queue_connections', 'proctriage_verdict', 'proctriage_exporter_cpu_seconds_total']) {
      expect(all).toContain(metric);
    }
  });

  it('names in every expr only metrics the exporter exposes', () => {
    const exposed = exposedMetricNames();
    for (const [title, expr] of exprs) {
      const names = metricNames(expr);
      expect(names.length, `${title}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(exposed, `${title}: ${name} in ${expr}`).toContain(name);
    }
  });

  it('the check itself catches a metric the exporter does not have', () => {
    expect(metricNames('sum by (kind) (rate(node_cpu_seconds_total{mode="idle"}[5m])) / proctriage_threads')).toEqual(['node_cpu_seconds_total', 'proctriage_threads']);
  });
});
