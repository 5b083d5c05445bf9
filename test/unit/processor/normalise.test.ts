import { expect } from 'chai';
import fc from 'fast-check';
import {
  normaliseEmail,
  normaliseName,
  normalisePhone,
  normaliseStation,
} from '../../../lib/resolution/normalise.js';

describe('normalisation', () => {
  describe('when normalising an email', () => {
    it('should trim, lower-case and drop a +tag', () => {
      expect(normaliseEmail('  GRicci91+x@Yahoo.IT ')).to.equal('gricci91@yahoo.it');
    });
    it('should drop the dots of a gmail local part and treat googlemail as gmail', () => {
      expect(normaliseEmail('Mario.Rossi+promo@googlemail.com')).to.equal('mariorossi@gmail.com');
      expect(normaliseEmail('m.a.r.i.o.rossi@gmail.com')).to.equal('mariorossi@gmail.com');
    });
    it('should keep the dots of other domains', () => {
      expect(normaliseEmail('mario.rossi@yahoo.it')).to.not.equal(normaliseEmail('mariorossi@yahoo.it'));
    });
    it('should give null for empty values', () => {
      expect([normaliseEmail('  '), normaliseEmail(null), normaliseEmail(undefined)]).to.deep.equal([
        null,
        null,
        null,
      ]);
    });
  });

  describe('when normalising a phone number', () => {
    it('should read +, 00 and bare numbers as the same number', () => {
      const forms = ['(+39) 347 123-4567', '0039 3471234567', '347 1234567', '+393471234567'];
      expect(forms.map((form) => normalisePhone(form, '39'))).to.deep.equal(Array(4).fill('+393471234567'));
    });
    it('should use the configured default country code', () => {
      expect(normalisePhone('030 1234567', '49')).to.equal('+490301234567');
    });
    it('should keep numbers of other countries apart', () => {
      expect(normalisePhone('+44 347 1234567', '39')).to.not.equal(normalisePhone('347 1234567', '39'));
    });
    it('should give null when there are no digits', () => {
      expect([
        normalisePhone('n/a', '39'),
        normalisePhone('', '39'),
        normalisePhone('00', '39'),
      ]).to.deep.equal([null, null, null]);
    });
  });

  describe('when normalising a name', () => {
    it('should strip accents, lower-case and sort the words', () => {
      expect(normaliseName('Rossi, Mario')).to.equal('mario rossi');
      expect(normaliseName('MARIO  ROSSI')).to.equal('mario rossi');
      expect(normaliseName('Niccolò Ğüneş-Çelik')).to.equal('celik gunes niccolo');
    });
    it('should keep different people apart', () => {
      expect(normaliseName('Mario Rossi')).to.not.equal(normaliseName('Maria Rossi'));
    });
    it('should give null when no letters are left', () => {
      expect(normaliseName(' 123 - ')).to.equal(null);
    });
    it('should read ASCII text as the Unicode rules do (its faster path changes nothing)', () => {
      const unicodeRules = (text: string) => {
        const words = text
          .normalize('NFD')
          .replace(/\p{M}/gu, '')
          .toLowerCase()
          .replace(/\P{L}+/gu, ' ')
          .split(' ')
          .filter((word) => word !== '')
          .sort();
        return words.length === 0 ? null : words.join(' ');
      };
      fc.assert(
        fc.property(fc.string({ unit: 'binary-ascii', maxLength: 40 }), (text) => {
          expect(normaliseName(text), JSON.stringify(text)).to.equal(unicodeRules(text));
        }),
        { numRuns: 20_000 },
      );
    });
  });

  describe('when normalising a station', () => {
    it('should trim and upper-case', () => {
      expect(normaliseStation(' bgy ')).to.equal('BGY');
    });
  });
});
