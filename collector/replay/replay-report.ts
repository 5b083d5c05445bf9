import type { ReplayReport } from './dead-letter-replay.js';

/** What `quoteflow collector replay-dead-letters` prints: a line per spool directory, then the totals. */
export function replayReportLines(report: ReplayReport): string[] {
  const lines = report.directories.map(
    (d) =>
      `${d.dir}: ${String(d.read)} dead letter(s): ${String(d.sent)} sent, ${String(d.refused)} refused again (kept), ` +
      `${String(d.unsent)} not tried (kept)${d.unreadable > 0 ? `, ${String(d.unreadable)} unreadable line(s) (kept)` : ''}`,
  );
  const sum = (field: 'sent' | 'refused' | 'unsent' | 'unreadable') =>
    report.directories.reduce((total, d) => total + d[field], 0);
  const kept = sum('refused') + sum('unsent') + sum('unreadable');
  if (report.directories.length === 0) lines.push('no dead letters to replay');
  else lines.push(`total: ${String(sum('sent'))} sent, ${String(kept)} kept in the dead-letter file(s)`);
  if (report.stoppedBy !== null)
    lines.push(`stopped sending: ${report.stoppedBy}; run it again once Kafka takes records`);
  return lines;
}

/** Everything was sent: nothing kept, nothing left untried (the command's exit code 0). */
export function replayComplete(report: ReplayReport): boolean {
  return (
    report.stoppedBy === null && report.directories.every((d) => d.sent === d.read && d.unreadable === 0)
  );
}
