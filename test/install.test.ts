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

  it('uses no project npm config that npm warns about, and reviews every install script', () => {
    const npmrc = path.join(REPO_ROOT, '.npmrc');
    if (fs.existsSync(npmrc)) expect(fs.readFileSync(npmrc, 'utf8')).not.toMatch(/onnxruntime-node-install/);
    const scripted = new Set(
      Object.entries(lock.packages)
        .filter(([name, p]) => name && p.hasInstallScript)
        .map(([name]) => name.slice(name.lastIndexOf('node_modules/') + 'node_modules/'.length)),
    );
    expect(Object.keys(pkg.allowScripts ?? {}).sort()).toEqual([...scripted].sort());
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
  });
});
