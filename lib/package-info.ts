import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's name, version and root folder, found by walking up from this file: the same code
 * runs from lib/ (tests, tsx) and from dist/lib/ (the built image), at different depths.
 */
export function packageInfo(): { name: string; version: string; root: string } {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const parsed = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (parsed.name === 'quoteflow' && parsed.version) {
        return { name: parsed.name, version: parsed.version, root: directory };
      }
    } catch {
      // no package.json here; keep walking
    }
    const parent = dirname(directory);
    if (parent === directory) return { name: 'quoteflow', version: '0.0.0', root: process.cwd() };
    directory = parent;
  }
}
