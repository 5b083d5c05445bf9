import type { RecordVersion } from '../../lib/records/version.js';
import { compareVersions } from '../../lib/records/version.js';

/** The last version seen of a record, kept after a delete so that an older upsert cannot revive it. */
export interface VersionMark {
  version: RecordVersion;
  deleted: boolean;
}

/**
 * CDC semantics: the highest version wins whatever the arrival order, and a version already seen
 * is a replay that changes nothing. At one version an upsert outranks a delete: a connector sends
 * the removal of a row under its old key (old stations) with the version that moved it, followed by
 * the row under its new key. When both keys land in one partition, the upsert must survive the
 * removal; a real delete always comes with a version of its own. Either order gives one outcome.
 */
export function supersedes(incoming: VersionMark, current: VersionMark | undefined): boolean {
  if (current === undefined) return true;
  const order =
    typeof incoming.version === 'number' && typeof current.version === 'number'
      ? incoming.version - current.version
      : compareVersions(incoming.version, current.version);
  if (order !== 0) return order > 0;
  return !incoming.deleted && current.deleted;
}
