'use strict';
// The worker thread of a shared one-shot machine sample (src/machine/parallel.ts).
require('./load-bundle.cjs').loadBundle('sample-worker');
