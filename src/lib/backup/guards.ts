/**
 * The guards a backup checks before it marks a set complete or deletes anything: an empty lake, or
 * one that shrank past the plan's threshold against the last complete set, stops the run (a bad job
 * that emptied the lake must not become the newest "good" backup); retention never deletes more than
 * `maxDelete` objects in one run (see sweep.ts). A guard that says no is a `GuardFailure`, a
 * `GateFailure`: the check ran and refused, nothing is wrong with the code or the plan.
 */
import { GateFailure } from '../runtime/errors.js';
import type { BackupManifest } from './types.js';

/** A backup guard refused: the message names what was measured, the limit, and how to override. */
export class GuardFailure extends GateFailure {
  constructor(
    message: string,
    /** Which guard: `empty-source`, `shrink`, `max-delete`, `incomplete-run`. */
    readonly guard: 'empty-source' | 'shrink' | 'max-delete' | 'incomplete-run',
  ) {
    super(message);
  }
}

/** The input that overrides the source guards for one run (with a reason). */
export const ALLOW_SHRINK_INPUT = 'allow-shrink';

const bytes = (n: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
};

/** How much smaller `now` is than `before`, in percent (0 when it grew or `before` is 0). */
export function shrinkPercent(before: number, now: number): number {
  if (before <= 0 || now >= before) return 0;
  return ((before - now) / before) * 100;
}

/**
 * Checks the lake as listed now against the last complete set's lake. Throws a GuardFailure when the
 * lake is empty, or when its object count or its bytes shrank by more than `maxShrinkPercent`, unless
 * `override` (the reason, from input 'allow-shrink') is given; then the note says what was overridden
 * and why (the orchestrator records it in the set's `overrides`).
 */
export function checkSource(
  current: { objects: number; bytes: number },
  last: Pick<BackupManifest['lake'], 'objects' | 'bytes'> | undefined,
  maxShrinkPercent: number,
  override?: string,
): { ok: true; note?: string } {
  const reason = override?.trim() || undefined;
  const findings: { guard: 'empty-source' | 'shrink'; text: string }[] = [];
  if (current.objects === 0) {
    findings.push({
      guard: 'empty-source',
      text:
        `the lake listing is empty (0 objects)` +
        (last ? `, the last complete set had ${last.objects} objects (${bytes(last.bytes)})` : ''),
    });
  } else if (last) {
    const objects = shrinkPercent(last.objects, current.objects);
    const size = shrinkPercent(last.bytes, current.bytes);
    const over: string[] = [];
    if (objects > maxShrinkPercent) {
      over.push(`${last.objects} → ${current.objects} objects (−${objects.toFixed(1)} %)`);
    }
    if (size > maxShrinkPercent) {
      over.push(`${bytes(last.bytes)} → ${bytes(current.bytes)} (−${size.toFixed(1)} %)`);
    }
    if (over.length) {
      findings.push({
        guard: 'shrink',
        text: `the lake shrank since the last complete set: ${over.join(', ')}, more than the plan's guards.maxShrinkPercent ${maxShrinkPercent} %`,
      });
    }
  }
  if (findings.length === 0) return { ok: true };
  const text = findings.map((f) => f.text).join('; ');
  if (reason) return { ok: true, note: `source guard overridden (${reason}): ${text}` };
  throw new GuardFailure(
    `Backup guard: ${text}. The set is not marked complete and nothing is deleted. ` +
      `If the lake really is meant to be like this, run again with input '${ALLOW_SHRINK_INPUT}' set to the reason.`,
    findings[0]!.guard,
  );
}
