import { expect } from 'chai';
import {
  binlogVersion,
  formatBinlogPosition,
  parseBinlogPosition,
} from '../../../connectors/log/binlog-position.js';
import { binlogServerId } from '../../../lib/config/replication-identity.js';

describe('binlog position', () => {
  describe('when made a version', () => {
    it('should grow along the log, across files', () => {
      const end = binlogVersion({ file: 'mariadb-bin.000002', position: 4_000_000 });
      const next = binlogVersion({ file: 'mariadb-bin.000003', position: 4 });
      expect(end).to.equal(2 * 2 ** 32 + 4_000_000);
      expect(next).to.be.above(end);
      expect(binlogVersion({ file: 'mysql-bin.000001', position: 100 }, -1)).to.equal(2 ** 32 + 99);
    });

    it('should refuse a file name without an index', () => {
      expect(() => binlogVersion({ file: 'binlog', position: 4 })).to.throw(TypeError);
    });
  });

  describe('when written and read back', () => {
    it('should round-trip', () => {
      expect(
        parseBinlogPosition(formatBinlogPosition({ file: 'mysql-bin.000007', position: 123 })),
      ).to.deep.equal({
        file: 'mysql-bin.000007',
        position: 123,
      });
      expect(() => parseBinlogPosition('mysql-bin.000007')).to.throw(TypeError);
    });
  });

  describe('when deriving a replica server id', () => {
    it('should be stable, distinct per source and out of the usual range', () => {
      expect(binlogServerId('a')).to.equal(binlogServerId('a'));
      expect(binlogServerId('a')).not.to.equal(binlogServerId('b'));
      expect(binlogServerId('a')).to.be.within(0x40000000, 0x7fffffff);
    });
  });
});
