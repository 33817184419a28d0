import { createPrivateKey, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { readMeta, writeMeta, type LibraryDatabase } from '../../library/database.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';

export interface ServeCertificate {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the certificate (DER), colon-separated hex: what a browser's certificate viewer shows. */
  fingerprint: string;
}

/*
 * One certificate per library, kept in the library's encrypted database: the key is readable only
 * with the library unlocked (which serving needs anyway), it moves with the library to another
 * machine (so the fingerprint a person checked stays the same), and a headless home server often
 * has no OS keychain to put it in.
 */
const META_KEY = 'serve-tls-certificate';
const storedSchema = z.object({ version: z.literal(1), certPem: z.string(), keyPem: z.string(), createdAt: z.number() });

export class ServeCertificateError extends Error {}

/** The library's certificate for `serve` over HTTPS, made (and stored) the first time it is needed. */
export async function loadServeCertificate(db: LibraryDatabase, libraryId: string, options: { renew?: boolean } = {}): Promise<ServeCertificate> {
  const stored = options.renew === true ? null : readMeta(db, META_KEY);
  if (stored !== null) return checked(parseStored(stored));
  const made = await createSelfSignedCertificate(`ClipShot library ${libraryId.slice(0, 8)}`);
  writeMeta(db, META_KEY, JSON.stringify({ version: 1, ...made, createdAt: Date.now() }));
  return checked(made);
}

export function certificateFingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

function parseStored(text: string): { certPem: string; keyPem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = storedSchema.safeParse(json);
  if (!parsed.success) throw new ServeCertificateError('the library\'s HTTPS certificate is damaged; make a new one with `clipshot serve --new-certificate` (browsers will then show a new fingerprint)');
  return parsed.data;
}

function checked(pair: { certPem: string; keyPem: string }): ServeCertificate {
  const certificate = new X509Certificate(pair.certPem);
  if (!certificate.checkPrivateKey(createPrivateKey(pair.keyPem))) throw new ServeCertificateError('the library\'s HTTPS certificate does not match its key');
  return { certPem: pair.certPem, keyPem: pair.keyPem, fingerprint: certificate.fingerprint256 };
}
