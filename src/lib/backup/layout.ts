/** The keys of the backup bucket's layout (see types.ts). The only place they are spelled out. */
import type { SetId } from './types.js';

const SET_ID = /^\d{8}T\d{6}Z$/;

/** `20261129T160312Z` for a Date (UTC, to the second). */
export function setIdAt(date: Date): SetId {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export function isSetId(value: string): value is SetId {
  return SET_ID.test(value);
}

/** The Date a set id names. */
export function setIdTime(id: SetId): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(id);
  if (!m) throw new Error(`not a backup set id: ${id}`);
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/** Strip the quotes S3 puts around an ETag. */
export function bareEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^"+|"+$/g, '');
}

export interface Layout {
  prefix: string;
  dataPrefix: string;
  setsPrefix: string;
  copyKey(sourceKey: string, etag: string): string;
  set(id: SetId): {
    prefix: string;
    record: string;
    part(index: number, count: number): string;
    partsPrefix: string;
    dump(database: string): string;
    dumpRecord(database: string): string;
    cluster: string;
    manifest: string;
    manifestChecksum: string;
  };
}

/** The layout under a prefix ('' or ending in '/'). */
export function layout(prefix: string): Layout {
  const p = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  return {
    prefix: p,
    dataPrefix: `${p}data/`,
    setsPrefix: `${p}sets/`,
    copyKey: (sourceKey, etag) => `${p}data/${sourceKey}/${bareEtag(etag)}`,
    set(id) {
      const s = `${p}sets/${id}/`;
      return {
        prefix: s,
        record: `${s}set.json`,
        partsPrefix: `${s}parts/`,
        part: (index, count) => `${s}parts/${index}-of-${count}.json`,
        dump: (database) => `${s}database/${database}.dump`,
        dumpRecord: (database) => `${s}database/${database}.json`,
        cluster: `${s}cluster/objects.json`,
        manifest: `${s}manifest.json`,
        manifestChecksum: `${s}manifest.json.sha256`,
      };
    },
  };
}
