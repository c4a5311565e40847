// MANIFEST rows where dtprobe knowingly differs from dtc 1.8.1, each with its reason.
// docs/language.md lists the same rows; the conformance test skips exactly these.
export const knownExceptions = new Map<string, string>([]);
