// Registrants' names and emails kept out of Temporal's storage (GDPR): every payload (workflow inputs, signals,
// updates, queries, results, activity arguments, failure messages) is encrypted with AES-256-GCM before it leaves
// the process, and decrypted when it comes back. The key id travels in the payload's metadata, so that keys can
// rotate: the first configured key encrypts, every configured key decrypts what it once encrypted.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PayloadKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError';
}

const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString() : undefined);

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly current: PayloadKey;
  private readonly byId: Map<string, Buffer>;

  /** `keys[0]` encrypts; all of them decrypt. */
  constructor(keys: readonly PayloadKey[]) {
    const [current] = keys;
    if (!current) throw new PayloadKeyError('a payload codec needs at least one key');
    this.current = current;
    this.byId = new Map(keys.map(({ id, key }) => [id, key]));
  }

  // The SDK's interface is asynchronous; the work is not (a refusal rejects, like any codec's).
  encode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((payload) => this.seal(payload))));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((payload) => this.open(payload))));
  }

  private seal(payload: Payload): Payload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(this.current.id),
      },
      data: Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]),
    };
  }

  private open(payload: Payload): Payload {
    // What was written before a key was configured stays readable.
    if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
    const key = this.byId.get(keyId);
    if (!key) {
      throw new PayloadKeyError(
        `a payload is encrypted with key "${keyId}", which is not among PAYLOAD_CODEC_KEYS (${[...this.byId.keys()].join(', ')})`,
      );
    }
    const sealed = Buffer.from(payload.data ?? new Uint8Array());
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const body = sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES);
    return temporal.api.common.v1.Payload.decode(Buffer.concat([decipher.update(body), decipher.final()]));
  }
}

/** The SDK's words for an encrypted payload read without a codec, said as what to do. */
export function withoutKeysHint(message: string): string {
  return message.includes(`Unknown encoding: ${ENCRYPTED_ENCODING}`)
    ? "the workflows' payloads are encrypted: set PAYLOAD_CODEC_KEYS to the keys the worker has"
    : message;
}
