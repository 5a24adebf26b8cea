import { classifyFailure } from '../src/domain/failures/classify';
import { loadLabelledLogs } from '../test/domain/failures/labelled-logs';
const logs = loadLabelledLogs();
for (const l of logs) classifyFailure({ stepResult: 'FAILED', logTail: l.tail });
let worst = 0, total = 0, bytes = 0;
for (let r = 0; r < 5; r++) for (const l of logs) { const t = performance.now(); classifyFailure({ stepResult: 'FAILED', logTail: l.tail }); const d = performance.now() - t; worst = Math.max(worst, d); total += d; bytes += l.tail.length; }
console.log('worst', worst.toFixed(2), 'ms; throughput', (bytes / 1024 / 1024 / (total / 1000)).toFixed(1), 'MB/s');
