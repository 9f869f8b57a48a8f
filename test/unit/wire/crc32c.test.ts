import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc32c } from '../../../src/wire/crc32c.js';
import { crc32cReference } from './wire-test-helpers.js';

describe('wire/crc32c', () => {
  it('matches the CRC-32C check value of "123456789" (0xE3069283)', () => {
    assert.equal(crc32c(Buffer.from('123456789', 'ascii')), 0xe3069283);
  });

  it('matches the RFC 3720 (iSCSI) vectors', () => {
    assert.equal(crc32c(Buffer.alloc(32, 0x00)), 0x8a9136aa);
    assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
    assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e);
  });

  it('agrees with a bitwise reference and continues across pieces (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
        const whole = Buffer.concat([a, b]);
        assert.equal(crc32c(whole), crc32cReference(whole));
        assert.equal(crc32c(b, crc32c(a)), crc32c(whole));
      }),
      { numRuns: 200 },
    );
  });
});
