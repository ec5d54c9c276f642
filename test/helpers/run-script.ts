// Runs one of the project's TypeScript entry points as a real child process, as `npm run …` would.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `cwd`: the folder it starts in (where it reads `.env`); the project's root by default. */
export async function runScript(
  script: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  cwd = ROOT,
): Promise<ScriptResult> {
  try {
    // tsx by its own path, so that a process started in another folder still finds it.
    const tsx = pathToFileURL(require.resolve('tsx')).href;
    const entry = path.resolve(ROOT, script);
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', tsx, entry, ...args], {
      cwd,
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
