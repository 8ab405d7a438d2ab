import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../paths.js';
import { firstTagOfEachSlot, SLOT_TAGS_FILE } from '../store/slotTag.js';

/**
 * `npm run data:slot-tags`: writes data/slot-tags.txt, each Redis Cluster slot's hash tag (see
 * sameSlotTag), so a server reads them instead of finding them on its first turn. Redis's CRC16
 * does not change, so neither does the file; test/unit/slotTag.test.ts fails if it ever differs.
 */
const path = join(projectRoot(), SLOT_TAGS_FILE);
writeFileSync(path, `${firstTagOfEachSlot().join(' ')}\n`);
process.stdout.write(`wrote ${path}\n`);
