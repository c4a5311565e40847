// Kernel versions as the model uses them: a release series, major.minor. A series behaves as
// mainline's release plus the stable backports the change table lists for it (its `stable`
// field: Debian's 6.1.y and 6.12.y, the reference kernels, carry some later fixes); a patch
// level ("6.12.3") is read and dropped, so an early release of a series is not told apart.
// Every version comparison in the kernel model goes through atLeast; behaviour that changed at
// a release is a row of the change table (changes.ts), resolved once per run into named flags
// (features.ts).

/** A mainline release, [major, minor]: [6, 1] is 6.1. */
export type KernelVersion = readonly [major: number, minor: number];

/** The oldest kernel the model emulates (the 2014 of_iommu mechanism, 3.19). */
export const OLDEST_KERNEL: KernelVersion = [3, 19];

/**
 * The newest kernel the model emulates: 7.1, the release of the device trees it is checked on;
 * no change after it is modelled, so a later version is refused rather than guessed at.
 */
export const NEWEST_KERNEL: KernelVersion = [7, 1];

/** The supported range as help and errors print it. */
export const KERNEL_RANGE = { oldest: versionLabel(OLDEST_KERNEL), newest: versionLabel(NEWEST_KERNEL) } as const;

/** `v` is `since` or later. */
export function atLeast(v: KernelVersion, since: KernelVersion): boolean {
  return v[0] > since[0] || (v[0] === since[0] && v[1] >= since[1]);
}

/** Negative, zero or positive as `a` is older than, the same as or newer than `b`. */
export function compareVersions(a: KernelVersion, b: KernelVersion): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

/** "6.1" */
export function versionLabel(v: KernelVersion): string {
  return `${v[0]}.${v[1]}`;
}

/** "6.1", "6.12.3", "v3.19", "6.15-rc1" -> [major, minor]; undefined for text that is not a version. */
export function parseVersion(text: string): KernelVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:-.*)?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}
