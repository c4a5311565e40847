// lib/kstrtox.c kstrtobool(), which reads the kernel's boolean parameters (early options such as
// iommu.passthrough and iommu.strict, and module parameters through param_set_bool).

/**
 * kstrtobool(): the first character decides (y Y 1 / n N 0, and from 5.19 also t T / f F), or
 * the first two for o[nN] / o[fF]; anything else, a missing value and an empty one are -EINVAL.
 * `trueFalse`: the kernel has the "true"/"false" patch (Jagdish Gediya, posted April 2022 through
 * -mm, first released in 5.19; 6.1 and 6.12 have it). Before it "false" and "true" were -EINVAL.
 */
export function kstrtobool(value: string | undefined, trueFalse = true): boolean | undefined {
  if (value === undefined || value.length === 0) return undefined;
  const c = value[0]!;
  if ("yY1".includes(c) || (trueFalse && "tT".includes(c))) return true;
  if ("nN0".includes(c) || (trueFalse && "fF".includes(c))) return false;
  if (c === "o" || c === "O") {
    const d = value[1];
    if (d === "n" || d === "N") return true;
    if (d === "f" || d === "F") return false;
  }
  return undefined;
}
