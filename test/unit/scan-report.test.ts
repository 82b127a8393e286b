import { asTrivyReport, findingsFromTrivy } from '../../src/lib/scan/trivy-report.js';
import { trivyEnv } from '../../src/lib/scan/trivy.js';
import { defaultPolicy, evaluate } from '../../src/lib/scan/policy.js';

// Trivy's JSON schema v2, cut down to the fields it always writes for an image scan.
const report = {
  SchemaVersion: 2,
  ArtifactName: 'image.tar',
  ArtifactType: 'container_image',
  Results: [
    {
      Target: 'debian 12.5',
      Class: 'os-pkgs',
      Type: 'debian',
      Vulnerabilities: [
        {
          VulnerabilityID: 'CVE-2024-0001',
          PkgName: 'libssl3',
          InstalledVersion: '3.0.11-1',
          FixedVersion: '3.0.13-1',
          Severity: 'CRITICAL',
          Title: 'openssl: bad',
          PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2024-0001',
        },
        { VulnerabilityID: 'CVE-2024-0002', PkgName: 'zlib1g', InstalledVersion: '1:1.2.13', Severity: 'LOW' },
      ],
    },
    { Target: 'app/node_modules/x/package.json', Class: 'lang-pkgs', Type: 'node-pkg', Vulnerabilities: null },
    {
      Target: 'Node.js',
      Class: 'lang-pkgs',
      Type: 'node-pkg',
      Vulnerabilities: [
        {
          VulnerabilityID: 'GHSA-aaaa-bbbb-cccc',
          PkgName: 'lodash',
          InstalledVersion: '4.17.20',
          FixedVersion: '4.17.21',
          Severity: 'HIGH',
        },
        {
          VulnerabilityID: 'GHSA-aaaa-bbbb-cccc',
          PkgName: 'lodash',
          InstalledVersion: '4.17.20',
          FixedVersion: '4.17.21',
          Severity: 'HIGH',
        },
      ],
    },
    { Target: 'empty', Class: 'lang-pkgs' },
  ],
};

test('Trivy findings map onto the shared schema, duplicates dropped', () => {
  const findings = findingsFromTrivy(asTrivyReport(report));
  expect(findings).toEqual([
    {
      id: 'CVE-2024-0001',
      severity: 'CRITICAL',
      package: 'libssl3',
      installedVersion: '3.0.11-1',
      fixedVersion: '3.0.13-1',
      title: 'openssl: bad',
      url: 'https://avd.aquasec.com/nvd/cve-2024-0001',
      source: 'trivy',
      target: 'debian 12.5',
    },
    {
      id: 'CVE-2024-0002',
      severity: 'LOW',
      package: 'zlib1g',
      installedVersion: '1:1.2.13',
      source: 'trivy',
      target: 'debian 12.5',
    },
    {
      id: 'GHSA-aaaa-bbbb-cccc',
      severity: 'HIGH',
      package: 'lodash',
      installedVersion: '4.17.20',
      fixedVersion: '4.17.21',
      source: 'trivy',
      target: 'Node.js',
    },
  ]);
  const result = evaluate(findings, defaultPolicy(), new Date('2026-01-01T00:00:00Z'));
  expect(result.blocking.map((f) => f.id)).toEqual(['CVE-2024-0001', 'GHSA-aaaa-bbbb-cccc']);
});

test('a report with no results has no findings', () => {
  expect(findingsFromTrivy(asTrivyReport({ SchemaVersion: 2, ArtifactName: 'x' }))).toEqual([]);
});

test('a report in another schema is refused', () => {
  expect(() => asTrivyReport({ SchemaVersion: 1 })).toThrow('SchemaVersion 1: expected 2');
  expect(() => asTrivyReport([])).toThrow('SchemaVersion undefined');
  expect(() => asTrivyReport({ SchemaVersion: 2, Results: {} })).toThrow('Results is not a list');
});

test('DB credentials reach Trivy through its environment only; inherited ones are dropped', () => {
  const base = { PATH: '/bin', TRIVY_PASSWORD: 'inherited' };
  expect(trivyEnv({ binary: 'trivy', cacheDir: '/c' }, base)).toEqual({
    PATH: '/bin',
    TRIVY_NO_PROGRESS: 'true',
    TRIVY_DISABLE_TELEMETRY: 'true',
  });
  expect(trivyEnv({ binary: 'trivy', cacheDir: '/c', dbUsername: 'AWS', dbPassword: 'pw' }, base)).toMatchObject({
    TRIVY_USERNAME: 'AWS',
    TRIVY_PASSWORD: 'pw',
  });
});
