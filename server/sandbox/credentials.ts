/**
 * The sandbox's credentials, made once per data folder and kept in its LMDB database: a bearer
 * token and a self-signed TLS certificate for 127.0.0.1. Serving TLS is not decoration: kubectl
 * (client-go) sends bearer tokens only over TLS, and client-node refuses `http://` servers
 * unless TLS checks are switched off. The kubeconfig carries the certificate as its CA, so both
 * verify the server like any other cluster's.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import type { SandboxDatabase } from './objectStore.js';

export interface SandboxCredentials {
  token: string;
  /** PEM certificate, also the CA clients trust. */
  certificate: string;
  /** PEM PKCS#8 private key of the certificate. */
  privateKey: string;
}

const CREDENTIALS_KEY = 'credentials';
const VALID_YEARS = 10;

/** The folder's credentials, made and stored on first use. */
export async function sandboxCredentials(db: SandboxDatabase): Promise<SandboxCredentials> {
  const stored = db.get(CREDENTIALS_KEY) as SandboxCredentials | undefined;
  if (stored) return stored;
  const credentials = {
    token: randomBytes(24).toString('base64url'),
    ...(await selfSignedCertificate()),
  };
  await keepCredentials(db, credentials);
  return credentials;
}

/** Stores credentials: when first made, and again after `--sandbox-reset` cleared them. */
export async function keepCredentials(db: SandboxDatabase, credentials: SandboxCredentials) {
  await db.put(CREDENTIALS_KEY, credentials);
}

async function selfSignedCertificate(): Promise<
  Pick<SandboxCredentials, 'certificate' | 'privateKey'>
> {
  // Node makes the key (native, off the main thread); node-forge assembles and signs the
  // certificate.
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + VALID_YEARS * 365 * 24 * 3_600_000);
  const subject = [{ name: 'commonName', value: 'weft-sandbox' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    // Its own CA: the kubeconfig trusts exactly this certificate.
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { certificate: forge.pki.certificateToPem(cert), privateKey };
}
