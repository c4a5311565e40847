// The Venus video codec (drivers/media/platform/qcom/venus/core.c, platform driver "qcom-venus"):
// venus_probe populates its decoder/encoder child nodes (of_platform_populate) and then
// venus_firmware_init (firmware.c) registers the `video-firmware` child as a device of its own
// and gives it a paging domain (firmware-device.ts). Both in 6.1 and 6.12.
import type { ClientDriver } from "../kernel.ts";
import { registerFirmwareDevice, unregisterFirmwareDevice, type FirmwareDeviceSpec } from "./firmware-device.ts";

const VENUS_FIRMWARE: FirmwareDeviceSpec = {
  node: "video-firmware",
  fn: "venus_firmware_init",
  owner: "qcom-venus",
  pagingAlloc: "venusPagingDomainAlloc",
  log: { configure: () => "dma configure fail", alloc: "Failed to allocate iommu domain", attach: () => "could not attach device" },
  // dev_err(core->dev, ...) for the DMA configuration, dev_err(core->fw.dev, ...) after it.
  logOn: { alloc: "fw", attach: "fw" },
};

export const QCOM_VENUS: ClientDriver = {
  name: "qcom-venus",
  bus: "platform",
  // venus_dt_match: qcom,msm8916-venus ... qcom,sm8250-venus (sdm845-venus-v2 too).
  pattern: /^qcom,[a-z0-9]+-venus(-v2)?$/,
  prefix: "qcom,",
  initcall: "device",
  reportAssumed: true,
  populatesChildren: true,
  registersChildren: [VENUS_FIRMWARE.node],
  probe: (k, s) => registerFirmwareDevice(k, s, VENUS_FIRMWARE),
  remove: (k, s) => unregisterFirmwareDevice(k, s, VENUS_FIRMWARE),
};
