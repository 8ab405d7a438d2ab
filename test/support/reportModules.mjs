// Preloaded with `node --import` by tests: when the process exits, writes the paths of every
// CommonJS module it loaded to the file named by RUTA_TEST_MODULES_REPORT.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const report = process.env.RUTA_TEST_MODULES_REPORT;
if (report) process.on('exit', () => writeFileSync(report, JSON.stringify(Object.keys(require.cache))));
