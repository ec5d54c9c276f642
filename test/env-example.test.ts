// .env.example lists every variable a process reads, nothing else, and its values are the defaults: parsed as they
// stand (with stand-ins for the required ones), they give the same configuration as no variables at all.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  codecServerConfigSchema,
  gatewayConfigSchema,
  parseConfig,
  workerConfigSchema,
  type ConfigError,
} from '../src/config';

const example = Object.fromEntries(
  readFileSync(path.join(__dirname, '..', '.env.example'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);
const schemas = { worker: workerConfigSchema, gateway: gatewayConfigSchema, 'codec server': codecServerConfigSchema };
// Read by src/logger.ts directly.
const OUTSIDE_SCHEMAS = ['LOG_LEVEL'];

test('every variable of every process, and only those', () => {
  const read = new Set([...Object.values(schemas).flatMap((s) => Object.keys(s.shape)), ...OUTSIDE_SCHEMAS]);
  expect(Object.keys(example).filter((name) => !read.has(name))).toEqual([]);
  expect([...read].filter((name) => !(name in example))).toEqual([]);
});

const required = {
  ZOOM_ACCOUNT_ID: 'a',
  ZOOM_CLIENT_ID: 'b',
  ZOOM_CLIENT_SECRET: 'c',
  ZOOM_WEBHOOK_SECRET_TOKEN: 't',
  PAYLOAD_CODEC_KEYS: `k:${Buffer.alloc(32).toString('base64')}`,
};

test.each(Object.entries(schemas))('the values given are the %s defaults', (_, schema) => {
  const given = (env: Record<string, string>) => {
    try {
      return parseConfig(schema, { ...env, ...required });
    } catch (err) {
      throw new Error((err as ConfigError).message);
    }
  };
  expect(given(example)).toEqual(given({}));
});
