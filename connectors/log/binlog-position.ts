/**
 * MySQL/MariaDB binlog positions: a file (`mariadb-bin.000002`) and a byte offset in it. As a
 * record version they become one integer, `fileIndex * 2^32 + offset`, which grows along the log
 * (a binlog file never reaches 4 GiB: max_binlog_size is at most 1 GiB).
 */
export interface BinlogPosition {
  file: string;
  position: number;
}

const FILE_SPAN = 2 ** 32;

export function fileIndex(file: string): number {
  const match = /\.(\d+)$/.exec(file);
  if (!match) throw new TypeError(`not a binlog file name: ${file}`);
  return Number(match[1]);
}

export function binlogVersion(position: BinlogPosition, offset = 0): number {
  return fileIndex(position.file) * FILE_SPAN + position.position + offset;
}

export function formatBinlogPosition(position: BinlogPosition): string {
  return `${position.file}:${position.position}`;
}

export function parseBinlogPosition(text: string): BinlogPosition {
  const colon = text.lastIndexOf(':');
  const position = Number(text.slice(colon + 1));
  if (colon <= 0 || !Number.isSafeInteger(position) || position < 0) {
    throw new TypeError(`not a binlog position: ${text}`);
  }
  return { file: text.slice(0, colon), position };
}
