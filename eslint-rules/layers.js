/**
 * Which src/lib folders each src/lib folder may import. The list is acyclic (test/unit/layers.test.ts
 * checks it, and that the code's own import graph has no cycle between folders), so an import that
 * the list does not allow is either a new loop or a new dependency to think about first: add the
 * folder here only when the dependency points down.
 */
export const LIB_LAYERS = {
  // the ground floor: ports (Exec, Clock, Logger, ActionContext), errors, inputs, retry
  runtime: [],
  // pure Markdown helpers for summaries
  report: [],
  // the values that flow between stages (ObjectRef, ApplyResult) and the names written into objects
  objects: ['runtime'],
  // AWS SDK client options (region, endpoint, retries, credentials from the environment)
  aws: ['runtime'],
  // the docker CLI and the registry's HTTP API
  docker: ['runtime'],
  scan: ['runtime', 'report'],
  image: ['runtime', 'docker', 'scan'],
  ecr: ['runtime', 'report', 'objects', 'aws', 'docker', 'scan'],
  manifests: ['runtime', 'objects'],
  kube: ['runtime', 'report', 'objects', 'manifests'],
  gates: ['runtime', 'report', 'objects', 'kube'],
  health: ['runtime', 'report', 'objects', 'kube'],
  github: ['runtime'],
  notify: ['runtime'],
  // drift-check: render + apply's dry run + owned-field comparison, the deploy record, ignore rules
  drift: ['runtime', 'report', 'objects', 'manifests', 'kube', 'gates'],
  // backup: plan → set (database, lake, cluster objects) → verify → retention → sweep
  backup: ['runtime', 'report', 'objects', 'aws', 'manifests', 'kube', 'notify'],
  // restore: dry-run plan → checks → writers (lake, database, cluster through apply and the gates) → verify;
  // the cutover: render → apply → restart → rollout and health gates → rollback
  restore: ['runtime', 'report', 'objects', 'aws', 'manifests', 'kube', 'gates', 'health', 'notify', 'backup'],
  // the stage functions and the deploy pipeline: everything below
  pipeline: [
    'runtime',
    'report',
    'objects',
    'aws',
    'docker',
    'scan',
    'image',
    'ecr',
    'manifests',
    'kube',
    'gates',
    'health',
    'github',
    'notify',
    'drift',
    'backup',
    'restore',
  ],
};
