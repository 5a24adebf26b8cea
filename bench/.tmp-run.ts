import { classifyFailure } from '../src/domain/failures/classify';
import { loadLabelledLogs } from '../test/domain/failures/labelled-logs';
for (const log of loadLabelledLogs()) {
  const t0 = performance.now();
  const r = classifyFailure({ stepResult: 'FAILED', logTail: log.tail });
  const ms = performance.now() - t0;
  const ok = r.category === log.category ? 'OK  ' : 'MISS';
  console.log(`${ok} ${log.file.padEnd(62)} ${log.category.padEnd(14)} -> ${r.category}/${r.cause ?? ''} [${r.rule ?? ''}] ${ms.toFixed(1)}ms\n      ${(r.message ?? '').slice(0, 160)}`);
}
