// verify: the prediction against a booted board's groups (sysfs listing or kernel log).
export { parseDmesg, parseGroupsFile } from "./booted.ts";
export type { BootedDevice, BootedGroups, BootedSource } from "./booted.ts";
export { verifyReport, VERIFY_VERSION } from "./match.ts";
export type { GroupPair, Verdict, Verification, VerifyDevice, VerifySide } from "./match.ts";
export { renderVerificationText } from "./text.ts";
