import { createLogger } from '../../lib/logger.js';

export const silentLogger = createLogger({ level: 'silent' });
