// The IOMMU layer's basic vocabulary: kernel errno names, failures with the kernel's message,
// results, domain types, hardware limits. The objects drivers and the core work on (instances,
// fwspecs, groups, domains) are in driver.ts beside the driver row.

/** Kernel errno names, as the kernel returns them (negative). */
export type Errno = "-ENODEV" | "-EINVAL" | "-ENOSPC" | "-EBUSY" | "-EPERM" | "-EEXIST" | "-ERANGE" | "-EFAULT" | "-EPROBE_DEFER" | "-ETIMEDOUT" | "-ENOMEM" | "-EOPNOTSUPP" | "-ENOENT" | "-EACCES" | "-EAGAIN";

export const ERRNO_VALUES: Record<Errno, number> = {
  "-ENOENT": -2,
  "-EAGAIN": -11,
  "-ENOMEM": -12,
  "-EACCES": -13,
  "-EFAULT": -14,
  "-EBUSY": -16,
  "-EEXIST": -17,
  "-ENODEV": -19,
  "-EINVAL": -22,
  "-ENOSPC": -28,
  "-ERANGE": -34,
  "-EPERM": -1,
  "-EOPNOTSUPP": -95,
  "-ETIMEDOUT": -110,
  "-EPROBE_DEFER": -517,
};

/** A failure with the message the kernel logs for it (if it logs one). */
export interface Failure {
  readonly errno: Errno;
  readonly message: string;
  /** Kernel function where the error arises (for the report and docs). */
  readonly where: string;
  /**
   * The failure exists only because of a limit dtprobe assumed (a documented default, not the
   * tree or --hw): the limit's name. The real hardware may have more.
   */
  readonly assumedLimit?: string;
  /**
   * How the kernel prints the failure where it arises: dev_err of `message` (absent), dev_warn, or
   * nothing at all ("none": a silent error return; the report's errors[] still hold it).
   */
  readonly printk?: "warn" | "none";
}

/** The kernel log level of a failure's own line (Failure.printk), or null when it prints none. */
export const printkLevel = (f: Failure): "err" | "warn" | null => (f.printk === "none" ? null : (f.printk ?? "err"));

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: Failure };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T>(errno: Errno, where: string, message: string): Result<T> => ({ ok: false, failure: { errno, where, message } });

/** sysfs names of domain types. */
export type DomainType = "blocked" | "identity" | "unmanaged" | "DMA" | "DMA-FQ";

/** The IOMMU_DOMAIN_* value a type has (include/linux/iommu.h), for the kernel's own messages. */
export const DOMAIN_TYPE_VALUES: Record<DomainType, number> = { blocked: 0, unmanaged: 1, DMA: 3, identity: 4, "DMA-FQ": 11 };

export type LimitValue = number | boolean | string;

/** Hardware limits of one instance, each with where its value came from. */
export interface Limit {
  readonly value: LimitValue;
  readonly source: "tree" | "default" | "hw";
  readonly description: string;
}
