// The `.env` of the folder a process starts in (README, "Configuration"), read as docker compose reads it: a
// variable already set in the environment wins over the file. Imported first by every entry point, as a side effect,
// so that what other modules read as they load (LOG_LEVEL) comes from it too. Node's own reader, so the syntax is
// Node's: `KEY=value`, `#` comments, quotes; an empty value means "not set", as everywhere here.
import { existsSync } from 'node:fs';

if (existsSync('.env')) process.loadEnvFile('.env');
