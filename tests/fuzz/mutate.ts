// Mutations of valid bytes: what a corrupting link, a truncated download or a hostile peer that
// starts from a well-formed message produces. Random bytes alone rarely get past a parser's first check.
import fc from 'fast-check';

type Mutation = { op: 'flip'; at: number; bits: number } | { op: 'cut'; at: number } | { op: 'insert'; at: number; bytes: Uint8Array } | { op: 'set'; at: number; value: number } | { op: 'repeat'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0x00, 0x7f, 0x80, 0xff) }),
  fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
);

function apply(bytes: Uint8Array, change: Mutation): Uint8Array {
  if (bytes.length === 0) return change.op === 'insert' ? change.bytes : bytes;
  const at = change.at % bytes.length;
  switch (change.op) {
    case 'flip': {
      const copy = new Uint8Array(bytes);
      copy[at] = copy[at]! ^ change.bits;
      return copy;
    }
    case 'set': {
      const copy = new Uint8Array(bytes);
      copy[at] = change.value;
      return copy;
    }
    case 'cut':
      return bytes.slice(0, at);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), change.bytes, bytes.subarray(at)]);
    case 'repeat':
      return Buffer.concat([bytes.subarray(0, at + change.length), bytes.subarray(at)]);
  }
}

/** `valid` changed by one to four mutations: always different from it in some runs, never in all. */
export function mutated(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.array(mutation, { minLength: 1, maxLength: 4 }).map((changes) => changes.reduce(apply, valid));
}

/** One of the valid messages, mutated. */
export function mutatedFrom(valid: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.constantFrom(...valid).chain(mutated);
}
