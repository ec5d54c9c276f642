// The payload codec: what it writes holds no plaintext, reads back exactly, names its key, and rotates: a payload
// written under an old key is read while that key is still configured, and refused with a reason once it is not.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/temporal/payload-codec';

const key = (id: string) => ({ id, key: randomBytes(32) });
const june = key('2026-06');
const december = key('2026-12');
const ADA = { email: 'ada@example.com', first_name: 'Ada' };
const registrant = defaultPayloadConverter.toPayload(ADA);
const values = (payloads: Payload[]) => payloads.map((p) => defaultPayloadConverter.fromPayload(p));
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString();

test('encrypted: no plaintext, the encoding and key id in the metadata, and back exactly', async () => {
  const codec = new AesGcmPayloadCodec([june]);
  const [sealed] = (await codec.encode([registrant])) as [Payload];
  expect(text(sealed.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
  expect(text(sealed.metadata?.[KEY_ID_METADATA])).toBe('2026-06');
  expect(text(sealed.data)).not.toMatch(/ada|example/i);
  expect(values(await codec.decode([sealed]))).toEqual([ADA]);
});

test('the same payload twice gives two ciphertexts (a fresh IV each time)', async () => {
  const codec = new AesGcmPayloadCodec([june]);
  const [a, b] = await codec.encode([registrant, registrant]);
  expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
});

test('rotation: the new key encrypts, the old one still decrypts what it wrote', async () => {
  const [old] = await new AesGcmPayloadCodec([june]).encode([registrant]);
  const rotated = new AesGcmPayloadCodec([december, june]);
  const [fresh] = await rotated.encode([registrant]);
  expect(text(fresh!.metadata?.[KEY_ID_METADATA])).toBe('2026-12');
  expect(values(await rotated.decode([old!, fresh!]))).toEqual([ADA, ADA]);
});

test('a key that is no longer configured is named in the refusal', async () => {
  const [old] = await new AesGcmPayloadCodec([june]).encode([registrant]);
  await expect(new AesGcmPayloadCodec([december]).decode([old!])).rejects.toThrow(
    'a payload is encrypted with key "2026-06", which is not among PAYLOAD_CODEC_KEYS (2026-12)',
  );
});

test('a payload altered in storage is refused, not read wrong', async () => {
  const codec = new AesGcmPayloadCodec([june]);
  const [sealed] = await codec.encode([registrant]);
  const data = Buffer.from(sealed!.data!);
  data[20] = (data[20] ?? 0) ^ 1;
  await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow(/unable to authenticate|auth/i);
});

test('what was stored before a key was configured is read as it is', async () => {
  expect(await new AesGcmPayloadCodec([june]).decode([registrant])).toEqual([registrant]);
});
