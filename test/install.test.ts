/**
 * A quiet `npm ci`: every locked package accepts the Node version the project claims (no EBADENGINE), no
 * npm config the next npm will drop, and every install script reviewed in package.json's allowScripts,
 * with onnxruntime-node's (a CUDA download that fails offline) denied.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/fixture-path';

// semver is npm's own range matcher; it is in every install (many dependencies use it).
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; hasInstallScript?: boolean; optional?: boolean }>;
};

describe('install', () => {
  it('every locked package accepts the oldest Node the project claims', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    const refusing = Object.entries(lock.packages).flatMap(([name, p]) => {
      const range = !Array.isArray(p.engines) ? p.engines?.node : undefined;
      return range && !semver.satisfies(oldest, range) ? [`${name} wants node ${range}`] : [];
    });
    expect(refusing).toEqual([]);
  });

  it('skips onnxruntime-node’s download on npm 10 and 11, and reviews every install script', () => {
    // npm 10 ignores allowScripts: without the .npmrc key its clean offline install fails in the postinstall.
    expect(fs.readFileSync(path.join(REPO_ROOT, '.npmrc'), 'utf8')).toMatch(/^onnxruntime-node-install=skip$/m);
    const scripted = new Set(
      Object.entries(lock.packages)
        .filter(([name, p]) => name && p.hasInstallScript)
        .map(([name]) => name.slice(name.lastIndexOf('node_modules/') + 'node_modules/'.length)),
    );
    expect(Object.keys(pkg.allowScripts ?? {}).sort()).toEqual([...scripted].sort());
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
  });
});
