import { expect } from 'chai';
import { bigIntToLsn, lsnToBigInt, lsnVersion } from '../../../connectors/log/lsn.js';

describe('lsn', () => {
  describe('when converting', () => {
    it('should read the two 32-bit halves', () => {
      expect(lsnToBigInt('16/B374D848')).to.equal(0x16b374d848n);
      expect(lsnToBigInt('00000000/0000000A')).to.equal(10n);
      expect(bigIntToLsn(0x16b374d848n)).to.equal('16/B374D848');
    });

    it('should refuse what is not an LSN', () => {
      expect(() => lsnToBigInt('16')).to.throw(TypeError);
      expect(() => lsnToBigInt('G/1')).to.throw(TypeError);
    });
  });

  describe('when making a version', () => {
    it('should give a number while exact and digits beyond', () => {
      expect(lsnVersion('0/10')).to.equal(16);
      expect(lsnVersion('0/10', 1n)).to.equal(15);
      expect(lsnVersion('FFFFFFFF/FFFFFFFF')).to.equal('18446744073709551615');
    });
  });
});
