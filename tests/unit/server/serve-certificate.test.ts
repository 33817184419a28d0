import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Library } from '../../../main/library/library.js';
import { loadServeCertificate } from '../../../main/server/remote/serve-certificate.js';
import { createTestLibrary } from '../../helpers/library.js';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

describe("serve's certificate (real openssl, real encrypted database)", () => {
  it('is made once per library, kept encrypted with it, and renewed only when asked', async () => {
    const tempBefore = (await fs.readdir(os.tmpdir())).filter((name) => name.startsWith('clipshot-cert-'));
    const { library, dir, store } = await createTestLibrary();
    const made = await loadServeCertificate(library.db, library.libraryId);
    const certificate = new X509Certificate(made.certPem);
    expect(certificate.checkPrivateKey(createPrivateKey(made.keyPem))).toBe(true);
    expect(made.fingerprint).toBe(certificate.fingerprint256);
    expect(certificate.subject).toContain(`ClipShot library ${library.libraryId.slice(0, 8)}`);
    expect(certificate.ca).toBe(false);
    await library.close();

    // Nothing in the library folder holds the key (or the certificate) in the clear.
    const privateScalar = Buffer.from(createPrivateKey(made.keyPem).export({ format: 'jwk' }).d!, 'base64url');
    expect(privateScalar).toHaveLength(32);
    for (const file of await filesUnder(dir)) {
      const bytes = await fs.readFile(file);
      expect(bytes.includes(Buffer.from('PRIVATE KEY')), file).toBe(false);
      expect(bytes.includes(privateScalar), file).toBe(false);
    }
    // openssl's folder (the key in it was encrypted) is gone.
    expect((await fs.readdir(os.tmpdir())).filter((name) => name.startsWith('clipshot-cert-'))).toEqual(tempBefore);

    const reopened = await Library.open(dir, { method: 'secret-store', store });
    try {
      expect((await loadServeCertificate(reopened.db, reopened.libraryId)).fingerprint).toBe(made.fingerprint);
      const renewed = await loadServeCertificate(reopened.db, reopened.libraryId, { renew: true });
      expect(renewed.fingerprint).not.toBe(made.fingerprint);
      expect((await loadServeCertificate(reopened.db, reopened.libraryId)).fingerprint).toBe(renewed.fingerprint);
    } finally {
      await reopened.close();
    }
  });
});
