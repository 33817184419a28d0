import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GCM_IV_LENGTH, GCM_TAG_LENGTH, KEY_FILE_VERSION, LIBRARY_KEY_LENGTH } from './key-file.js';
import type { KeySlot, WrappedKey } from './key-file.js';

/**
 * Additional data for every slot: binds the wrapped key to its library, slot and method, so a
 * slot copied into another library's key file (or relabelled) fails authentication.
 */
function slotAad(libraryId: string, slotId: string, method: KeySlot['method']): Buffer {
  return Buffer.from(`clipshot-keys/${KEY_FILE_VERSION}\nlibrary:${libraryId}\nslot:${slotId}\nmethod:${method}`, 'utf8');
}

export interface SlotBinding {
  libraryId: string;
  slotId: string;
  method: KeySlot['method'];
}

export function wrapLibraryKey(libraryKey: Buffer, wrappingKey: Buffer, binding: SlotBinding): WrappedKey {
  const iv = randomBytes(GCM_IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey, iv, { authTagLength: GCM_TAG_LENGTH });
  cipher.setAAD(slotAad(binding.libraryId, binding.slotId, binding.method));
  const ciphertext = Buffer.concat([cipher.update(libraryKey), cipher.final()]);
  return { cipher: 'aes-256-gcm', iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** The library key, or null when authentication fails (wrong wrapping key, or a damaged or moved slot). */
export function unwrapLibraryKey(wrapped: WrappedKey, wrappingKey: Buffer, binding: SlotBinding): Buffer | null {
  const decipher = createDecipheriv('aes-256-gcm', wrappingKey, Buffer.from(wrapped.iv, 'base64'), { authTagLength: GCM_TAG_LENGTH });
  decipher.setAAD(slotAad(binding.libraryId, binding.slotId, binding.method));
  decipher.setAuthTag(Buffer.from(wrapped.tag, 'base64'));
  const plain = decipher.update(Buffer.from(wrapped.ciphertext, 'base64'));
  try {
    decipher.final();
  } catch {
    plain.fill(0);
    return null;
  }
  // A buffer of its own rather than a view into Node's shared pool, so the caller can wipe it.
  const key = Buffer.alloc(LIBRARY_KEY_LENGTH);
  plain.copy(key);
  plain.fill(0);
  return key;
}

export function libraryKeyCheck(libraryKey: Buffer, libraryId: string): Buffer {
  return createHmac('sha256', libraryKey).update(`clipshot key check\n${libraryId}`, 'utf8').digest();
}

export function isLibraryKey(libraryKey: Buffer, libraryId: string, storedCheck: string): boolean {
  if (libraryKey.length !== LIBRARY_KEY_LENGTH) return false;
  const expected = Buffer.from(storedCheck, 'base64');
  const actual = libraryKeyCheck(libraryKey, libraryId);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
