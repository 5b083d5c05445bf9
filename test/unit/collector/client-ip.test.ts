import { expect } from 'chai';
import { createClientIpResolver } from '../../../collector/http/client-ip.js';

describe('createClientIpResolver', () => {
  describe('when no proxy is trusted', () => {
    it('should take the peer and ignore X-Forwarded-For', () => {
      const resolve = createClientIpResolver([]);
      expect(resolve('::ffff:10.1.2.3', '203.0.113.7')).to.equal('10.1.2.3');
    });
  });

  describe('when the peer is a trusted proxy', () => {
    const resolve = createClientIpResolver(['10.0.0.0/8', '127.0.0.1']);

    it('should walk X-Forwarded-For from the right past trusted hops', () => {
      expect(resolve('10.0.0.5', '198.51.100.2, 203.0.113.7, 10.9.9.9')).to.equal('203.0.113.7');
    });

    it('should not believe an address a client put in front of the header', () => {
      expect(resolve('127.0.0.1', ['1.1.1.1', '203.0.113.7'])).to.equal('203.0.113.7');
    });

    it('should stop at a hop that is not an IP address', () => {
      expect(resolve('10.0.0.5', 'garbage, 10.0.0.6')).to.equal('10.0.0.6');
    });
  });

  describe('when the peer is not trusted', () => {
    it('should ignore the header', () => {
      const resolve = createClientIpResolver(['10.0.0.0/8']);
      expect(resolve('192.0.2.4', '203.0.113.7')).to.equal('192.0.2.4');
    });
  });
});
