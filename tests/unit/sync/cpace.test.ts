import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CPACE_ISK_BYTES, CPACE_SHARE_BYTES, CpaceError, cpaceGenerator, cpaceStart, generatorString, prefixFreeConcat, prependLength,
} from '../../../main/sync/crypto/cpace.js';

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('the draft’s encodings', () => {
  it('prefixes lengths in LEB128', () => {
    expect(toHex(prependLength(new Uint8Array(0)))).toBe('00');
    expect(toHex(prependLength(new Uint8Array(127)).subarray(0, 1))).toBe('7f');
    expect(toHex(prependLength(new Uint8Array(128)).subarray(0, 2))).toBe('8001');
    expect(toHex(prependLength(new Uint8Array(300)).subarray(0, 2))).toBe('ac02');
    expect(prependLength(new Uint8Array(300))).toHaveLength(302);
    expect(toHex(prefixFreeConcat(text('ab'), new Uint8Array(0), text('c')))).toBe('0261620001' + '63');
  });
});

describe('known answers: the draft’s test vector for CPACE-RISTR255-SHA512', () => {
  // draft-irtf-cfrg-cpace, appendix "Test vector for CPace using group ristretto255 and hash SHA-512"
  // (the current revisions' values: an early revision printed a generator its own map does not give).
  const prs = text('Password');
  const ci = text('\nAinitiator\nBresponder');
  const sid = hex('7e4b4791d6a8ef019b936c79fb7f2c57');
  const ya = hex('da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08');
  const yb = hex('d2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d');
  const Ya = '383a85dd236978f17f8c8545b50dabc52a39fcdab2cf8bc531ce040ff77ca82d';
  const Yb = 'a6206309c0e8e5f579295e35997ac4300ab3fecec3c17f7b604f3e698fa1383c';
  const isk = 'e91ccb2c0f5e0d0993a33956e3be59754f3f2b07db57631f5394452ea2e7b4354674eb1f5686c078462bf83bec72e8743df440108e638f3526d9b90e85be096f';

  it('builds the generator string and the generator', () => {
    expect(toHex(generatorString(prs, ci, sid))).toBe(
      '11435061636552697374726574746f3235350850617373776f726464' + '00'.repeat(100)
      + '160a41696e69746961746f720a42726573706f6e646572107e4b4791d6a8ef019b936c79fb7f2c57',
    );
    expect(toHex(cpaceGenerator(prs, ci, sid).toBytes())).toBe('5e25411ca1ad7c9debfd0b33ad987a95cefef2d3f15dcc8bd26415a5dfe2e15a');
  });

  it('computes both shares and the same ISK on both sides', () => {
    const a = cpaceStart({ role: 'initiator', prs, ci, sid, ad: text('ADa'), scalar: ya });
    const b = cpaceStart({ role: 'responder', prs, ci, sid, ad: text('ADb'), scalar: yb });
    expect(toHex(a.share)).toBe(Ya);
    expect(toHex(b.share)).toBe(Yb);
    expect(toHex(a.finish(b.share, text('ADb')))).toBe(isk);
    expect(toHex(b.finish(a.share, text('ADa')))).toBe(isk);
  });

  it('aborts on the draft’s invalid shares: an invalid encoding and the identity', () => {
    for (const bad of [hex('2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c'), new Uint8Array(32)]) {
      const party = cpaceStart({ role: 'initiator', prs, ci, sid });
      expect(() => party.finish(bad)).toThrow(CpaceError);
    }
    // The valid point the invalid one was made from is accepted.
    const party = cpaceStart({ role: 'initiator', prs, ci, sid });
    expect(party.finish(hex('2c3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c'))).toHaveLength(CPACE_ISK_BYTES);
  });
});

describe('CPace runs', () => {
  const ci = text('clipshot-pair-1');
  const run = (codeA: string, codeB: string, sidA = randomBytes(16), sidB = sidA) => {
    const a = cpaceStart({ role: 'initiator', prs: text(codeA), ci, sid: sidA });
    const b = cpaceStart({ role: 'responder', prs: text(codeB), ci, sid: sidB });
    return { a: a.finish(b.share), b: b.finish(a.share), shares: [a.share, b.share] };
  };

  it('agrees on a 64-byte key with the same code, and on nothing with another code, sid or role order', () => {
    const same = run('12345678', '12345678');
    expect(same.a).toHaveLength(CPACE_ISK_BYTES);
    expect(same.a).toEqual(same.b);

    const wrong = run('12345678', '12345679');
    expect(wrong.a).not.toEqual(wrong.b);
    const otherSid = run('12345678', '12345678', randomBytes(16), randomBytes(16));
    expect(otherSid.a).not.toEqual(otherSid.b);

    const sid = randomBytes(16);
    const a = cpaceStart({ role: 'initiator', prs: text('1'), ci, sid });
    const b = cpaceStart({ role: 'initiator', prs: text('1'), ci, sid });
    expect(a.finish(b.share)).not.toEqual(b.finish(a.share)); // both claiming to go first disagree on the transcript
  });

  it('sends a fresh random share every run, even for the same code and sid', () => {
    const sid = randomBytes(16);
    const first = cpaceStart({ role: 'initiator', prs: text('12345678'), ci, sid });
    const second = cpaceStart({ role: 'initiator', prs: text('12345678'), ci, sid });
    expect(first.share).toHaveLength(CPACE_SHARE_BYTES);
    expect(first.share).not.toEqual(second.share);
  });

  it('finishes once, and refuses shares of the wrong size', () => {
    const a = cpaceStart({ role: 'initiator', prs: text('1'), ci, sid: randomBytes(16) });
    const b = cpaceStart({ role: 'responder', prs: text('1'), ci, sid: randomBytes(16) });
    a.finish(b.share);
    expect(() => a.finish(b.share)).toThrow(/already finished/);
    for (const size of [0, 31, 33]) {
      expect(() => cpaceStart({ role: 'initiator', prs: text('1'), ci, sid: randomBytes(16) }).finish(new Uint8Array(size))).toThrow(CpaceError);
    }
  });
});
