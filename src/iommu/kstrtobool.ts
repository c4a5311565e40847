// lib/kstrtox.c kstrtobool(), which reads the kernel's boolean parameters (early options such as
// iommu.passthrough and iommu.strict, and module parameters through param_set_bool).

/**
 * kstrtobool() as in 6.1 and 6.12: the first character decides (y Y t T 1 / n N f F 0), or the
 * first two for o[nN] / o[fF]; anything else, a missing value and an empty one are -EINVAL.
 */
export function kstrtobool(value: string | undefined): boolean | undefined {
  if (value === undefined || value.length === 0) return undefined;
  const c = value[0]!;
  if ("yYtT1".includes(c)) return true;
  if ("nNfF0".includes(c)) return false;
  if (c === "o" || c === "O") {
    const d = value[1];
    if (d === "n" || d === "N") return true;
    if (d === "f" || d === "F") return false;
  }
  return undefined;
}

