import { serveFamilies, SERVE_HISTOGRAMS } from '../../src/metrics/serve-metrics.js';
import { watchFamilies } from '../../src/metrics/watch-metrics.js';

/** Every series name `serve` and `watch --listen` can expose (histograms with their _bucket, _sum, _count). */
export function exposedMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const f of [...serveFamilies({ exposeAddresses: true }), ...watchFamilies({ exposePaths: true })]) names.add(f.name);
  for (const h of SERVE_HISTOGRAMS) for (const suffix of ['', '_bucket', '_sum', '_count']) names.add(`${h.name}${suffix}`);
  return names;
}
