// Probes written for the checks, compared line for line with the installed dtc (1.6.1, mapped to
// 1.8.1 with dtc-versions.ts) under several option sets: -W/-E/-q combinations exercise the level
// machinery on real trees. The probes avoid the few spots where 1.6.1 and 1.8.1 check differently
// beyond that mapping (child "ranges" in avoid_unnecessary_addr_size, 1.6.1's bus-range maximum
// bug, graph_port's message order); those are covered by semantics.test.ts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasDtc } from "../helpers/shared.ts";
import { runLikeDtc } from "./dtc-run.ts";
import { checkLines181 } from "./dtc-versions.ts";

const probes: Record<string, string> = {
  // phandle+args: iommus (dtc's own wording), clocks, power-domains, msi-parent, dmas; gpios
  "p1": `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	smmu: iommu@1000 {
		reg = <0x1000 0x100>;
		#iommu-cells = <1>;
	};
	iommu@2000 {
		reg = <0x2000 0x100>;
		phandle = <0x10>;
	};
	dev@3000 {
		reg = <0x3000 0x100>;
		iommus = <&smmu 1 0x10>;
	};
	dev@4000 {
		reg = <0x4000 0x100>;
		iommus = <&smmu 1>, <0>, <&smmu 2>;
	};
	dev@5000 {
		reg = <0x5000 0x100>;
		iommus = <&smmu>;
	};
	dev@6000 {
		reg = <0x6000 0x100>;
		iommus = <0x77>;
	};
	dev@7000 {
		reg = <0x7000 0x100>;
		iommus = [01 02 03];
	};
	dev@8000 {
		reg = <0x8000 0x100>;
		iommus = <&smmu 1 &smmu>;
		clocks = <&smmu>;
		power-domains = <&smmu 1 2>;
		msi-parent = <&smmu 3>;
		dmas = /bits/ 16 <1 2>;
	};
	gpio: gpio@9000 { reg = <0x9000 0x10>; #gpio-cells = <2>; gpio-controller; };
	dev@a000 {
		reg = <0xa000 0x10>;
		foo-gpios = <&gpio 1>;
		bar-gpio = <&gpio 1 2>;
		gpios = <&gpio 1 2 0 &gpio 3 4>;
		vendor,nr-gpios = <3>;
		hog { gpio-hog; gpios = <1 2>; };
	};
};
`,
  // simple-bus unit addresses, unit address format, unique unit addresses, reg/ranges/dma-ranges
  "p2": `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	model = "m";
	bus@10 {
		compatible = "foo", "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		reg = <0x10 1>;
		x@5 { reg = <6 1>; };
		y@7 { reg = <7 1>; };
		z@1 { #address-cells = <1>; ranges = <0 0x20 4>; };
		w { };
		v@0x8 { reg = <8 1>; };
		sub { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>; };
	};
	node@01 { reg = <1 1>; };
	node@0x2 { reg = <2 1>; };
	other@3 { };
	noaddr { reg = <4 1>; };
	a@5 { reg = <5 1>; status = "disabled"; };
	b@5 { reg = <5 1>; };
	c@5 { reg = <5 1>; status = "disabled"; };
	d@5 { reg = <5 1>; };
	empty@6 { ranges; };
	bad-reg@7 { reg = <7>; };
	dma@8 { reg = <8 1>; #address-cells = <2>; #size-cells = <2>; dma-ranges = <1 2 3>; ranges; };
	unneeded { #address-cells = <1>; #size-cells = <0>; child { }; };
};
`,
  // i2c and spi buses
  "p3": `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	i2c@100 {
		reg = <0x100 1>;
		#address-cells = <1>;
		#size-cells = <0>;
		dev@50 { reg = <0x51>; };
		big@80 { reg = <0x80>; };
		ten@400 { reg = <0x80000400>; };
		ten2@123 { reg = <0x80000123>; };
		own@10 { reg = <0x40000010>; };
		two@20 { reg = <0x20 0x90>; };
		nothing { };
	};
	i2c-bus@200 { reg = <0x200 1>; child@1 { reg = <1>; }; };
	spi@300 {
		reg = <0x300 1>;
		#address-cells = <1>;
		#size-cells = <0>;
		flash@1 { reg = <2>; };
		flash@3 { reg = <3>; };
		nothing { };
	};
	spi@400 { reg = <0x400 1>; spi-slave; #address-cells = <0>; #size-cells = <0>; slave { }; };
	ctrl@500 {
		reg = <0x500 1>;
		#address-cells = <1>;
		#size-cells = <0>;
		flash@1 { reg = <2>; spi-max-frequency = <1>; };
	};
};
`,
  // PCI bridges and devices
  "p4": `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	pcie@1000 {
		device_type = "pci";
		reg = <0x1000 1>;
		#address-cells = <3>;
		#size-cells = <2>;
		ranges;
		bus-range = <1 1>;
		dev@1 { reg = <0x0800 0 0 0 0>; };
		dev@2,1 { reg = <0x1100 0 0 0 0>; };
		dev@2 { reg = <0x1100 0 0 0 0>; };
		dev@3 { reg = <0x021801 0 1 0 0>; };
		dev@4 { reg = <0x81002000 0 0 0 0>; };
	};
	pci@2000 {
		device_type = "pci";
		reg = <0x2000 1>;
		#address-cells = <3>;
		#size-cells = <2>;
		ranges;
		dev@0 { reg = <0x10000 0 0 0 0>; };
	};
};
`,
  // /chosen and /aliases
  "p5": `/dts-v1/;
/ {
	chosen { interrupt-controller; linux,stdout-path = <1>; bootargs = "x"; };
	n { chosen { bootargs = <1>; stdout-path = "a", "b"; }; };
	aliases {
		empty = "";
		loop = "loop";
		nonull = [626164];
		relative = "s1/sub";
		wrong = "s1/subsub";
		ok = "/s1/sub";
		Bad = "/s1";
		none;
		root = "/";
		s1ref = &s1;
	};
	s1: s1 { sub { }; };
	n2 { aliases { x = "/nope"; }; };
};
`,
  // merged nodes ("also defined at"), labels, a correct name property
  "p6": `/dts-v1/;
/ {
	l1: node@1 { reg = <1>; p1: prop = <1 v1: 2>; };
	l2: node@2 { };
	x { };
};
&l1 { extra; };
/ { node@1 { more; }; x { name = "x"; }; };
&l2 { reg = <2>; };

`,
  // a /delete-node/ in the defining block: "(null): Duplicate node name"
  "p7": `/dts-v1/;
/ {
	n { };
	/delete-node/ n;
	m { };
	m2 { };
};
`,
  // deleted children dtc still lists (omit-if-no-ref), strict names, graph ports and endpoints
  "p8": `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	nm = <1>;
	i2c@1 { reg = <1 1>; #address-cells = <2>; /omit-if-no-ref/ a { }; };
	unn { #address-cells = <1>; #size-cells = <0>; /omit-if-no-ref/ b { reg = <1>; }; };
	My_Node { vendor,#cells = <1>; a_b = <1>; device_type = "x"; };
	ports {
		#address-cells = <1>;
		#size-cells = <0>;
		port@0 {
			reg = <0>;
			ep0: endpoint { remote-endpoint = <&ep1>; };
		};
		port-a@1 {
			reg = <1>;
			#address-cells = <1>;
			#size-cells = <0>;
			endpoint@0 { reg = <0>; remote-endpoint = <0xdead>; };
		};
	};
	dev { port { ep1: endpoint { remote-endpoint = <&ep0>; }; }; };
	dev2 { port { endpoint { remote-endpoint = <&ep0>; }; }; };
	ports2 { #address-cells = <1>; #size-cells = <0>; port@3 { reg = <4>; endpoint { }; }; };
	nm@1 { reg = <1 1>; };
	nm { };
};
`,
  // a wrong name property
  "p9": `/dts-v1/;
/ { y { name = "bad"; }; };
`,
  // interrupts and interrupt parents
  "p10": `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	interrupt-parent = <&intc>;
	intc: interrupt-controller@100 { reg = <0x100 1>; interrupt-controller; #interrupt-cells = <2>; };
	a@1 { reg = <1 1>; interrupts = <1 2>; };
	b@2 { reg = <2 1>; interrupts = <1 2 3>; };
	c@3 { reg = <3 1>; interrupts = [01 02]; };
	d@4 { reg = <4 1>; interrupt-parent = <0>; interrupts = <1 2>; };
	e@5 { reg = <5 1>; interrupt-parent = <0x1234>; interrupts = <1 2>; };
	f@6 { reg = <6 1>; interrupt-parent = <&g>; interrupts = <1>; };
	g: g@7 { reg = <7 1>; };
	h@8 { reg = <8 1>; interrupts-extended = <&intc 1 2>, <&intc 3>; };
};
`,
};

/** Option sets; 1.6.1 also gets -Wno-graph_child_address (gone in 1.8) and both lose interrupt_provider. */
const optionSets: readonly (readonly string[])[] = [
  [],
  ["-Wnode_name_chars_strict", "-Wproperty_name_chars_strict", "-Wunique_unit_address_if_enabled", "-Wdeprecated_gpio_property"],
  ["-Esimple_bus_reg"],
  ["-q"],
  ["-qq", "-Eunit_address_vs_reg"],
  ["-Eno-duplicate_node_names"],
  ["-Wno-phandle_references"],
  ["-Walways_fail", "-Wno-node_name_chars"],
  ["-Eno-explicit_phandles", "-Wno_reg_format"],
  ["-Ereg_format", "-Wno-avoid_default_addr_size"],
];

describe.skipIf(!hasDtc)("probes against dtc", () => {
  const dir = mkdtempSync(join(tmpdir(), "dtprobe-checks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(probes)) writeFileSync(join(dir, `${name}.dts`), text, "latin1");

  for (const flags of optionSets) {
    it(`match dtc with [${flags.join(" ")}]`, () => {
      for (const name of Object.keys(probes)) {
        const file = `${name}.dts`;
        const common = ["-Wno-interrupt_provider", ...flags];
        const dtc = spawnSync("dtc", ["-I", "dts", "-O", "dtb", "-o", "/dev/null", "-Wno-graph_child_address", ...common, file], { cwd: dir, encoding: "latin1" });
        const run = runLikeDtc(dir, file, common, "/dev/null");
        expect(run.frontEndFailed).toBe(false);
        expect({ probe: name, lines: run.lines }).toEqual({ probe: name, lines: checkLines181(dtc.stderr) });
        // dtc exits 2 for a check error; with -q levels nothing may be printed but the run still fails.
        expect({ probe: name, errors: run.errors }).toEqual({ probe: name, errors: dtc.status === 2 });
      }
    });
  }
});
