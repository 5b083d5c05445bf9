import { expect } from 'chai';
import { matchesSearch, parseDemandSearch } from '../../../dashboard/queries/demand-search.js';

const quote = {
  brokerQuoteRef: 'Q1002',
  customer: { email: 'g.ricci91@gmail.com', phone: '+39 339 1520522', name: 'GIOVANNI RICCI' },
};

function finds(text: string): boolean {
  const search = parseDemandSearch(text, '39');
  if (!search) throw new Error(`no search in ${text}`);
  return matchesSearch(quote, search, '39');
}

describe('demand search', () => {
  describe('when the text is an email', () => {
    it('should compare it normalised as the rules do (case, +tag, Gmail dots and domain)', () => {
      expect(finds(' GRicci91+offers@googlemail.com ')).to.equal(true);
      expect(finds('g.ricci92@gmail.com')).to.equal(false);
    });
  });

  describe('when the text is a phone number', () => {
    it('should compare it normalised (00 prefix, default country code, punctuation)', () => {
      expect(finds('0039 339 152-0522')).to.equal(true);
      expect(finds('(339) 1520522')).to.equal(true);
      expect(finds('+39 339 1520523')).to.equal(false);
    });
  });

  describe('when the text is a name or a reference', () => {
    it('should find every customer whose name holds all the words typed, in any order and case', () => {
      expect(finds('ricci giovanni')).to.equal(true);
      expect(finds('Ricci')).to.equal(true);
      expect(finds('Mario Ricci')).to.equal(false);
    });

    it('should find a broker reference exactly, case aside', () => {
      expect(finds('q1002')).to.equal(true);
      expect(finds('Q100')).to.equal(false);
    });
  });

  it('should give no search for blank text', () => {
    expect(parseDemandSearch('   ', '39')).to.equal(undefined);
  });
});
