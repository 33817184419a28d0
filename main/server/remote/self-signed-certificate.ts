import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface CertificateAndKey {
  /** PEM, the certificate the server presents. */
  certPem: string;
  /** PEM, PKCS#8, unencrypted: held in memory and stored only inside the encrypted library. */
  keyPem: string;
}

/** The certificate could not be made (no openssl on this machine, or it failed). */
export class CertificateToolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

const VALID_DAYS = 3650;
const OPENSSL_TIMEOUT_MS = 30_000;

/**
 * A self-signed certificate for `serve` beyond this device. Node makes the key pair; Node cannot
 * write X.509, and no maintained library for it is installed, so `openssl` signs the certificate.
 * openssl cannot read a key from a pipe here (libuv's stdio are sockets), so the key goes to it in
 * a private temporary file, encrypted under a random password that travels only in the child's
 * environment: no plaintext private key ever touches the disk.
 */
export async function createSelfSignedCertificate(commonName: string): Promise<CertificateAndKey> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const password = randomBytes(32).toString('base64url');
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-cert-'));
  try {
    const keyFile = path.join(folder, 'key.pem');
    await fs.writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password }), { mode: 0o600 });
    const certPem = await runOpenssl(
      ['req', '-new', '-x509', '-key', keyFile, '-passin', 'env:CLIPSHOT_CERT_KEY_PASSWORD', '-subj', `/CN=${commonName.replace(/[/\\=+,]/g, ' ')}`, '-days', String(VALID_DAYS), '-sha256',
        '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=serverAuth', '-addext', 'subjectAltName=DNS:localhost'],
      { CLIPSHOT_CERT_KEY_PASSWORD: password },
    );
    const certificate = new X509Certificate(certPem);
    if (!certificate.checkPrivateKey(privateKey)) throw new CertificateToolError('openssl made a certificate for another key');
    return { certPem: certificate.toString(), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
  }
}

function runOpenssl(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { env: { ...process.env, ...env }, timeout: OPENSSL_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new CertificateToolError('serving beyond this device needs `openssl` once, to make the HTTPS certificate; install it (e.g. `apt install openssl`) and start again', { cause: error }));
      } else if (error) {
        reject(new CertificateToolError(`openssl could not make the HTTPS certificate: ${stderr.trim() || error.message}`, { cause: error }));
      } else resolve(stdout);
    });
  });
}
