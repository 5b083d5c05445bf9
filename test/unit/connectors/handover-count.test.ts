import { expect } from 'chai';
import { HandoverCount } from '../../../connectors/log/handover-count.js';
import { PgoutputTextDatesPlugin } from '../../../connectors/log/pg-text-dates-plugin.js';

/** A pgoutput Begin message: 'B', final LSN, commit time (µs since 2000), xid. */
function beginMessage(xid: number): Buffer {
  const buffer = Buffer.alloc(21);
  buffer.write('B', 0, 'latin1');
  buffer.writeBigUInt64BE(0x16b3748n, 1);
  buffer.writeBigInt64BE(0n, 9);
  buffer.writeUInt32BE(xid, 17);
  return buffer;
}

describe('HandoverCount', () => {
  describe('when the output plugin parses changes the library has not handed over yet', () => {
    it('should say something is waiting until every parsed change reached the handler', () => {
      const handover = new HandoverCount();
      const plugin = new PgoutputTextDatesPlugin(
        { protoVersion: 1, publicationNames: ['p'] },
        handover.onReceived,
      );
      expect(handover.allHanded).to.equal(true);
      expect(plugin.parse(beginMessage(7))).to.include({ tag: 'begin', xid: 7 });
      plugin.parse(beginMessage(8));
      expect(handover.allHanded).to.equal(false);
      handover.onHanded();
      expect(handover.allHanded).to.equal(false);
      handover.onHanded();
      expect(handover.allHanded).to.equal(true);
    });
  });
});
