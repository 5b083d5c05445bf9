import { isbot } from 'isbot';
import { UAParser } from 'ua-parser-js';

export interface ParsedAgent {
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  osVersion: string | null;
  /** mobile, tablet, console, smarttv, wearable, embedded; null for a desktop browser. */
  deviceType: string | null;
  bot: boolean;
}

/**
 * Parses user agents with ua-parser-js and flags bots with isbot. Parsing is the costly part of
 * enrichment and a site sees few distinct agents, so results are cached (a bounded map, cleared
 * when full).
 */
export function createUserAgentParser(cacheSize = 5000): (userAgent: string) => ParsedAgent {
  const cache = new Map<string, ParsedAgent>();
  return (userAgent) => {
    const cached = cache.get(userAgent);
    if (cached) return cached;
    const result = new UAParser(userAgent).getResult();
    const parsed: ParsedAgent = {
      browser: result.browser.name ?? null,
      browserVersion: result.browser.version ?? null,
      os: result.os.name ?? null,
      osVersion: result.os.version ?? null,
      deviceType: result.device.type ?? null,
      bot: isbot(userAgent),
    };
    if (cache.size >= cacheSize) cache.clear();
    cache.set(userAgent, parsed);
    return parsed;
  };
}
