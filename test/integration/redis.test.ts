import { expect } from 'chai';
import { createRedis } from '../../lib/redis.js';
import { services, uniqueName } from '../support/services.js';
import { silentLogger } from '../support/silent-logger.js';

describe('Redis (real server)', () => {
  it('should set, read and expire a key through our client', async () => {
    const redis = createRedis({ url: services.redisUrl }, silentLogger);
    const key = uniqueName('qf:test');
    try {
      expect(await redis.set(key, 'v', 'PX', 60_000)).to.equal('OK');
      expect(await redis.get(key)).to.equal('v');
      expect(await redis.pttl(key)).to.be.within(1, 60_000);
    } finally {
      await redis.del(key);
      await redis.quit();
    }
  });

  it('should make BullMQ-ready clients that never give up on a command', () => {
    const redis = createRedis({ url: services.redisUrl }, silentLogger, { forBullmq: true });
    expect(redis.options.maxRetriesPerRequest).to.equal(null);
    redis.disconnect();
  });
});
