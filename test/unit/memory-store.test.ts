// The in-memory adapter against the shared MessageStore contract.

import { createMemoryStore } from '../../server/store/memory-store.js';
import { describeStore } from './store-contract.js';

describeStore('memory', (options) => createMemoryStore(options));
