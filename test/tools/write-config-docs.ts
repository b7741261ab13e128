// `npm run docs:config`: writes docs/configuration.md from the option table in server/config.ts.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configurationMarkdown } from '../../server/config-docs.js';
import { packageRoot } from '../../server/paths.js';

const file = join(packageRoot, 'docs', 'configuration.md');
writeFileSync(file, configurationMarkdown());
console.log(`wrote ${file}`);
