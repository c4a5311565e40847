// The OF helpers the kernel model uses (drivers/of: property.c, base.c, address.c, irq.c), and
// only here. The device graph reads the tree through them once; the layers above hold OfNode
// handles (handle.ts) and interpreted facts, never the tree's nodes.
export * from "./property.ts";
export * from "./base.ts";
export * from "./phandle.ts";
export * from "./address.ts";
export * from "./dma.ts";
export * from "./irq.ts";
export * from "./map-id.ts";
export * from "./handle.ts";
export * from "./graph.ts";
