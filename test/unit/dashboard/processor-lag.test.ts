import { expect } from 'chai';
import { withProcessorLag } from '../../../lib/pipeline/processor-lag.js';

describe('withProcessorLag', () => {
  const docs = [
    {
      id: 'processor:qf.quotes:0',
      component: 'processor',
      topic: 'qf.quotes',
      partition: 0,
      lastOffset: '41',
    },
    {
      id: 'processor:qf.quotes:1',
      component: 'processor',
      topic: 'qf.quotes',
      partition: 1,
      lastOffset: '9',
    },
    {
      id: 'processor:qf.events:0',
      component: 'processor',
      topic: 'qf.events',
      partition: 0,
      lastOffset: '3',
    },
    { id: 'connector:rentalcars', component: 'connector', lag: 12 },
  ];

  it('should add how many messages wait after the last committed one, per partition', async () => {
    const watermarks = (topic: string) =>
      topic === 'qf.quotes'
        ? Promise.resolve(
            new Map([
              [0, '50'],
              [1, '10'],
            ]),
          )
        : Promise.reject(new Error('broker down'));
    const failed: string[] = [];
    const result = await withProcessorLag(docs, watermarks, (topic) => failed.push(topic));
    expect(result.map((doc) => doc.lag)).to.deep.equal([8, 0, null, 12]);
    expect(result.map((doc) => doc.lagError)).to.deep.equal([
      undefined,
      undefined,
      "cannot read Kafka's end offsets: broker down",
      undefined,
    ]);
    expect(failed, 'a Kafka failure is reported, not hidden').to.deep.equal(['qf.events']);
  });
});
