import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';

describe('MemorySecretStore', () => {
  it('sets, overwrites, reads and deletes secrets per account, as the SecretStore contract says', async () => {
    const store = new MemorySecretStore();
    expect(store.name).toBe('memory');
    expect(await store.get('a')).toBeNull();
    await store.set('a', 'one');
    await store.set('a', 'two');
    await store.set('b', 'other');
    expect(await store.get('a')).toBe('two');
    expect(store.size).toBe(2);
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(await store.get('a')).toBeNull();
    expect(await store.get('b')).toBe('other');
  });
});
