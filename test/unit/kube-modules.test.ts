// The real node's kubelet (stack/kube/kubelet) and the control plane (stack/kube/build) are two build
// modules so that the kubelet's extra dependencies do not change the control plane's go.sum (its cache
// key). They must still be one Kubernetes release: the same k8s.io/kubernetes, the same replace lines
// for the staging modules, and the same version of every module both need.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/action-runner.js';

interface GoMod {
  requires: Map<string, string>;
  replaces: string[];
}

function parseGoMod(path: string): GoMod {
  const requires = new Map<string, string>();
  const replaces: string[] = [];
  let block: 'require' | 'replace' | undefined;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    if (block && line === ')') {
      block = undefined;
      continue;
    }
    const opening = /^(require|replace)\s*\($/.exec(line);
    if (opening) {
      block = opening[1] as 'require' | 'replace';
      continue;
    }
    const single = /^(require|replace)\s+(.*)$/.exec(line);
    const kind = single ? (single[1] as 'require' | 'replace') : block;
    const body = single ? single[2]! : line;
    if (kind === 'require') {
      const [module, version] = body.split(/\s+/);
      requires.set(module!, version!);
    } else if (kind === 'replace') {
      replaces.push(body.replace(/\s+/g, ' '));
    }
  }
  return { requires, replaces: replaces.sort() };
}

const kube = join(repoRoot, 'stack', 'kube');
const build = parseGoMod(join(kube, 'build', 'go.mod'));
const kubelet = parseGoMod(join(kube, 'kubelet', 'go.mod'));

describe('the kubelet module pins the control plane release', () => {
  test('the same k8s.io/kubernetes, which is the release stack/lib.sh names', () => {
    const release = /^KUBE_VERSION="(v[^"]+)"$/m.exec(readFileSync(join(repoRoot, 'stack', 'lib.sh'), 'utf8'))?.[1];
    expect(build.requires.get('k8s.io/kubernetes')).toBe(release);
    expect(kubelet.requires.get('k8s.io/kubernetes')).toBe(release);
  });

  test('the same replace lines (the staging modules at the release tag)', () => {
    expect(build.replaces.length).toBeGreaterThan(20);
    expect(kubelet.replaces).toEqual(build.replaces);
  });

  test('every module both require is at the same version', () => {
    const differ = [...kubelet.requires]
      .filter(([module, version]) => build.requires.has(module) && build.requires.get(module) !== version)
      .map(([module, version]) => `${module}: kubelet ${version}, control plane ${build.requires.get(module)}`);
    expect(differ).toEqual([]);
  });

  test('tools.go builds the kubelet', () => {
    expect(readFileSync(join(kube, 'kubelet', 'tools.go'), 'utf8')).toContain('_ "k8s.io/kubernetes/cmd/kubelet"');
  });
});
