/**
 * The names a log-mode source uses on its database server, which another appliance reading the
 * same server must not share: a Postgres replication slot keeps one reader's position (two readers
 * on one slot steal each other's changes), and a MariaDB/MySQL server drops a replica connection
 * when another one connects with the same server id. Defaults come from the source name, so two
 * appliances (staging and production, say) reading one server with a source of the same name must
 * set `slotName` / `serverId` in one of their configs.
 */

interface NamedSource {
  name: string;
  slotName?: string | undefined;
  serverId?: number | undefined;
}

const asSource = (source: string | NamedSource): NamedSource =>
  typeof source === 'string' ? { name: source } : source;

/** Slot and publication of a Postgres log-mode source: its `slotName`, else `qf_<source>` (`-` as `_`). */
export function replicationNames(source: string | NamedSource): { slot: string; publication: string } {
  const { name, slotName } = asSource(source);
  const base = slotName ?? `qf_${name.replace(/-/g, '_')}`;
  return { slot: base, publication: base };
}

/** Replica server id of a MySQL/MariaDB log-mode source: its `serverId`, else one derived from its name. */
export function binlogServerId(source: string | NamedSource): number {
  const { name, serverId } = asSource(source);
  if (serverId !== undefined) return serverId;
  // In 2^30..2^31-1, far from the small ids real replicas are usually given.
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return 0x40000000 + (hash % 0x3fffffff);
}
