// `driver_async_probe=` on the kernel command line: which drivers bind asynchronously
// (drivers/base/dd.c: save_async_options, cmdline_requested_async_probing,
// driver_allows_async_probing). An asynchronous bind runs on an async worker
// (__driver_attach_async_helper / __device_attach_async_helper, deferred-probe retries included),
// so it can overlap an IOMMU driver's probe; dd-async.ts uses this to decide which binds may land
// in the windows of bus_iommu_probe().

/** ASYNC_DRV_NAMES_MAX_LEN: the kernel keeps at most 255 characters of the list. */
export const ASYNC_DRV_NAMES_MAX_LEN = 256;

export interface AsyncProbeRequest {
  /** The comma-separated names as the kernel keeps them (after truncation). */
  readonly names: readonly string[];
  /** `*` is in the list (async_probe_default, added in 2022): every driver not listed is asynchronous. */
  readonly wildcard: boolean;
  /** The value was too long and was cut to 255 characters (the kernel warns). */
  readonly truncated: boolean;
}

/**
 * save_async_options: the value of `driver_async_probe=` (undefined: the option is absent).
 * A value that names nothing requests nothing, which is the same as no option.
 */
export function parseAsyncProbe(value: string | undefined): AsyncProbeRequest | undefined {
  if (value === undefined) return undefined;
  const truncated = value.length >= ASYNC_DRV_NAMES_MAX_LEN;
  const kept = truncated ? value.slice(0, ASYNC_DRV_NAMES_MAX_LEN - 1) : value;
  // parse_option_str: exact comparison with each comma-separated token.
  const names = kept.split(",").filter((n) => n.length > 0);
  const wildcard = names.includes("*");
  if (names.length === 0) return undefined;
  return { names, wildcard, truncated };
}

/**
 * driver_allows_async_probing for a driver with the default probe_type: cmdline_requested_async_probing
 * is `async_probe_default != listed(name)`, so with `*` a listed driver is the exception.
 * A driver dtprobe only assumes has no known name: only `*` can reach it (and its name cannot be
 * excluded). PROBE_PREFER_ASYNCHRONOUS / PROBE_FORCE_SYNCHRONOUS set in driver source and the
 * `<module>.async_probe` module parameter are not modelled.
 */
export function asyncProbeRequested(req: AsyncProbeRequest | undefined, match: { readonly name: string | null; readonly assumed: boolean }): boolean {
  if (!req || !match.name) return false;
  if (match.assumed) return req.wildcard;
  return req.wildcard !== req.names.includes(match.name);
}
