import type { Observation } from './observation.js';
import type { ConnectorStatusDoc } from './pipeline-docs.js';

/**
 * A failing connector: per enabled source, firing when its status says `failing` (with the last
 * error), when it has not been reported for `staleMinutes` (the connectors service stopped or
 * hangs), or when it never was. Sources that are not enabled in the config are not looked at.
 */
export function connectorObservations(
  statuses: readonly ConnectorStatusDoc[],
  enabledSources: readonly string[],
  settings: { staleMinutes: number },
  now: Date,
): Observation[] {
  const bySource = new Map(statuses.map((status) => [status.source, status]));
  const subjects = [...new Set([...enabledSources, ...statuses.map((status) => status.source)])].sort();
  return subjects
    .filter((source) => enabledSources.length === 0 || enabledSources.includes(source))
    .map((source) => {
      const status = bySource.get(source);
      const observation = (
        firing: boolean,
        summary: string,
        details: Record<string, unknown>,
      ): Observation => ({
        check: 'connectors',
        subject: source,
        firing,
        summary,
        details,
        value: null,
      });
      if (!status) return observation(true, `connector ${source} has never reported its status`, {});
      const ageMinutes = (now.getTime() - Date.parse(status.updatedAt)) / 60_000;
      const details = { state: status.state, lastError: status.lastError, updatedAt: status.updatedAt };
      if (ageMinutes > settings.staleMinutes)
        return observation(
          true,
          `connector ${source} has not reported for ${Math.floor(ageMinutes)} minutes`,
          details,
        );
      if (status.state === 'failing')
        return observation(
          true,
          `connector ${source} is failing: ${status.lastError ?? 'no error given'}`,
          details,
        );
      return observation(false, `connector ${source} is ${status.state}`, details);
    });
}
