// ath10k on the WCN3990 SNOC bus (drivers/net/wireless/ath/ath10k/snoc.c, platform driver
// "ath10k_snoc"): ath10k_snoc_probe -> ath10k_fw_init registers the `wifi-firmware` child as a
// device of its own, gives it a paging domain and maps the MSA region into it (firmware-device.ts);
// without the child the modem boots it through TrustZone. Both in 6.1 and 6.12.
import type { ClientDriver } from "../kernel.ts";
import { registerFirmwareDevice, unregisterFirmwareDevice, type FirmwareDeviceSpec } from "./firmware-device.ts";

const WIFI_FIRMWARE: FirmwareDeviceSpec = {
  node: "wifi-firmware",
  fn: "ath10k_fw_init",
  owner: "ath10k_snoc",
  pagingAlloc: "ath10kPagingDomainAlloc",
  // ath10k_err(ar, ...): dev_err on the wifi device.
  log: { configure: (e) => `dma configure fail: ${e}`, alloc: "failed to allocate iommu domain", attach: (e) => `could not attach device: ${e}` },
  logOn: { alloc: "driver", attach: "driver" },
  maps: "ath10k_fw_init maps the MSA region into it (iommu_map)",
};

export const ATH10K_SNOC: ClientDriver = {
  name: "ath10k_snoc",
  bus: "platform",
  compatible: ["qcom,wcn3990-wifi"],
  initcall: "device",
  reportAssumed: true,
  registersChildren: [WIFI_FIRMWARE.node],
  probe: (k, s) => registerFirmwareDevice(k, s, WIFI_FIRMWARE),
  remove: (k, s) => unregisterFirmwareDevice(k, s, WIFI_FIRMWARE),
};
