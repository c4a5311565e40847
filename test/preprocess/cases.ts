// Inputs for the cpp-conformance table. `expect` is cpp's output (`cpp -nostdinc -undef -x
// assembler-with-cpp -P`, gcc 12) with whitespace runs collapsed; the test checks our output
// against it always, and against the live cpp when one is installed.
import type { CaseInput } from "./harness.ts";

export interface ConformanceCase extends CaseInput {
  readonly name: string;
  readonly expect: string;
}

const S = (main: string, extra: Record<string, string> = {}): Record<string, string> => ({ "main.S": main, ...extra });

export const CASES: readonly ConformanceCase[] = [
  {
    name: "object-like macros, rescanning and blue paint",
    files: S("#define A B\n#define B C\n#define C 1\nA B C\n#define foo foo\nfoo\n#define x y\n#define y x\nx y\n#define E\n[E] E x E\n"),
    expect: "1 1 1 foo x y [] x",
  },
  {
    name: "function-like macros, nested calls and rescans with following text",
    files: S(
      "#define F(a, b) (a + b)\n#define G(x) F(x, x)\nG(1) G(G(2)) F((1,2), 3)\n#define f(a) a*g\n#define g(a) f(a)\nf(2)(9)\n" +
        "#define obj(x) x obj\nobj(1)(2)\n#define ID(x) x\n#define LP (\nID(ID)LP 1)\n#define NIL(x)\n[NIL(1)] NIL\n(2) NIL\n",
    ),
    expect: "(1 + 1) ((2 + 2) + (2 + 2)) ((1,2) + 3) 2*9*g 1 obj(2) ID( 1) [] NIL",
  },
  {
    name: "the C standard's macro examples",
    files: S(
      "#define x 3\n#define f(a) f(x * (a))\n#undef x\n#define x 2\n#define g f\n#define z z[0]\n#define h g(~\n#define m(a) a(w)\n#define w 0,1\n" +
        "#define t(a) a\n#define p() int\n#define q(x) x\n#define r(x,y) x ## y\n#define str(x) # x\n" +
        "f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);\ng(x+(3,4)-w) | h 5) & m\n(f)^m(m);\np() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };\n" +
        "char c[2][6] = { str(hello), str() };\n#define hash_hash # ## #\n#define mkstr(a) # a\n#define in_between(a) mkstr(a)\n" +
        "#define join(c, d) in_between(c hash_hash d)\nchar p[] = join(x, y);\n" +
        "#define t3(x,y,z) x ## y ## z\nint j[] = { t3(1,2,3), t3(,4,5), t3(6,,7), t3(8,9,), t3(10,,), t3(,11,), t3(,,12), t3(,,) };\n",
    ),
    expect: "f(2 * (y+1)) + f(2 * (f(2 * (z[0])))) % f(2 * (0)) + t(1); f(2 * (2 +(3,4)-0,1)) | f(2 * (~ 5)) & f(2 * (0,1))^m(0,1); int i[] = { 1, 23, 4, 5, }; char c[2][6] = { \"hello\", \"\" }; char p[] = \"2 ## y\"; int j[] = { 123, 45, 67, 89, 10, 11, 12, };",
  },
  {
    name: "stringification",
    files: S(
      '#define str(x) #x\n#define xstr(x) str(x)\nstr(  a   "b\\n"   \'c\'  ) str( ) str(\\) str(a\\) str(@ $ `) str("\\\\" \'"\')\n' +
        "xstr(__LINE__) str(a\n  b) str( /* c */ x /* d */ y )\n#define S2(a, ...) #a #__VA_ARGS__\nS2(1, 2,  3) S2()\n",
    ),
    expect: "\"a \\\"b\\\\n\\\" 'c'\" \"\" \"\" \"a\" \"@ $ `\" \"\\\"\\\\\\\\\\\" '\\\"'\" \"4\" \"a b\" \"x y\" \"1\" \"2, 3\" \"\" \"\"",
  },
  {
    name: "token pasting, placemarkers and failed pastes (no error in assembler mode)",
    files: S(
      "#define cat(a,b) a##b\n#define EMPTY\ncat(1,2) cat(a,1) cat(.,.) cat(<,<) cat(<<,=) cat(-,-) cat(+,) cat(,) cat(L,'a') cat(L,\"s\") cat(0x,1p-3) cat(/,=)\n" +
        "cat(a, b)c cat(a,b)(c) cat(foo,-bar) cat(/,/)x cat(1,e) cat(-,>)\n#define paste3(a,b,c) a ## b ## c\npaste3(x,,y) paste3(,,) paste3(1,+,2)\n" +
        "#define CATX(a) x_ ## a ## _y\nCATX(EMPTY) CATX() CATX(1 2)\n",
    ),
    expect: "12 a1 . . << <<= -- + L'a' L\"s\" 0x1p-3 /= ab c ab(c) foo-bar / /x 1e -> xy 1 +2 x_EMPTY_y x__y x_1 2_y",
  },
  {
    name: "variadic macros and the GNU comma paste",
    files: S(
      "#define showlist(...) puts(#__VA_ARGS__)\n#define report(test, ...) ((test)?puts(#test): printf(__VA_ARGS__))\n" +
        "showlist(The first, second, and third items.);\nreport(x>y, \"x is %d but y is %d\", x, y);\n" +
        "#define e(fmt, args...) p(fmt, ## args)\n#define e2(fmt, ...) p(fmt, ## __VA_ARGS__)\n#define e3(...) p(1, ## __VA_ARGS__)\n" +
        "e(a) e(a,) e(a,b) e(a,b,c) e2(a) e2(a,) e2(a,b) e3() e3(x)\n",
    ),
    expect: "puts(\"The first, second, and third items.\"); ((x>y)?puts(\"x>y\"): printf(\"x is %d but y is %d\", x, y)); p(a) p(a,) p(a,b) p(a,b,c) p(a) p(a,) p(a,b) p(1) p(1,x)",
  },
  {
    name: "spacing between tokens brought together by expansion (avoid paste)",
    files: S(
      "#define X(a) a\n#define Y abc\n#define E\nX(abc)1 X(abc)\"s\" X(1)abc X(a)X(b) Y.Y (Y)Y E-E- -E- X()X() X(+)+ X(-)- X(1). X(.)1 X(/)* X(<)< X(=)= X(1)'a'\n" +
        "#define H #\nH H\nE\n#foo\n#define PLUS +\n+PLUS -PLUS PLUS+ a PLUS= 1\n",
    ),
    expect: "abc 1 abc \"s\" 1 abc a b abc.abc (abc)abc - - - - + + - - 1 . . 1 / * < < = = 1 'a' # # #foo + + -+ + + a + = 1",
  },
  {
    name: "#if arithmetic: intmax, unsigned, shifts, character constants, ?:, short circuit",
    files: S(
      "#if 'a' == 97 && '\\377' < 0 && 'ab' == 24930 && L'\\377' > 0 && '\\x41' == 65 && '\\n' == 10\nyes1\n#endif\n" +
        "#if (-1 < 0u) == 0 && (1 ? -1 : 0u) > 0 && -1 >> 63 == -1 && (1 << 63) < 0 && -1 / 2 == 0 && -7 % 3 == -1\nyes2\n#endif\n" +
        "#if 0x7fffffffffffffff > 0 && 18446744073709551615u == -1 && 0b101 == 5 && 010 == 8 && 10ULL == 10 && 1 << 64 >> 1 == 0\nyes3\n#endif\n" +
        "#if 0 && 1/0\nno\n#elif 1 || 1/0\nyes4\n#endif\n#if 1 ? 2 : 1/0\nyes5\n#endif\n#if 0 ? 1/0 : 3\nyes6\n#endif\n" +
        "#if (2 > 1 ? 0 : 1)\nno\n#elif (3, 4) == 4 && ~0 == -1 && !0 == 1 && -(-1) == 1 && +1 == 1\nyes7\n#endif\n" +
        "#if UNDEFINED_NAME == 0 && (1 ? 1 ? 2 : 3 : 4) == 2 && (0 ? 1 : 0 ? 2 : 3) == 3\nyes8\n#endif\n" +
        "#if 1 ? 2, 0 : 3\nno\n#else\nyes9\n#endif\n",
    ),
    expect: "yes1 yes2 yes3 yes4 yes5 yes6 yes7 yes8 yes9",
  },
  {
    name: "conditionals: defined forms, nesting, skipped groups, elif chains",
    files: S(
      "#define X\n#define Z 0\n#if defined X && defined(X) && !defined Y && !defined(Y) && defined __STDC__ && __ASSEMBLER__ == 1\nyes1\n#endif\n" +
        "#ifdef X\nyes2\n#ifndef X\nno\n#elif Z\nno\n#else\nyes3\n#endif\n#else\nno\n#if 1/0\n#error skipped\n#endif\n#endif\n" +
        "#if 0\n' unterminated quote in a skipped group\n#bogus directive\n#else\nyes4\n#endif\n" +
        "#if 1\nyes5\n#elif 1/0\nno\n#else\nno\n#endif\n#if 0\n#elif 0\n#elif 1\nyes6\n#elif 1\nno\n#endif\n" +
        "#define D defined(X)\n#if D\nyes7\n#endif\n#ifdef __LINE__\nyes8\n#endif\n",
    ),
    expect: "yes1 yes2 yes3 yes4 yes5 yes6 yes7 yes8",
  },
  {
    name: "assembler-with-cpp: non-directive # lines pass through (and their words expand), quotes",
    files: S(
      "#define address foo\n#define cells bar\n/ {\n\t#address-cells = <1>;\n#size-cells = <0>;\n\t# 12 \"file\"\n#5\n};\n" +
        "x = 'a' 'ab' ' cells, cells\ndon't cells\nL'x' L\"y\" u'x' u8\"x\"\n$x a$b @x\n#define F(x) #address-cells x\nF(1)\n#\n# /* null directive */\n",
    ),
    expect: "/ { #foo-bar = <1>; #size-bar = <0>; # 12 \"file\" #5 }; x = 'a' 'ab' ' cells, cells don't cells L'x' L\"y\" u'x' u8\"x\" $x a$b @x #foo-bar 1",
  },
  {
    name: "comments, line splices and CR LF line ends",
    files: S(
      "a /* c1 */ b // c2\nc/**/d\ne /* multi\nline */ f\n#define X 1 /* comment\n spanning */ + 2\nX\nlong \\\nline\n#def\\\nine Y 3\nY \"str\\\ning\"\n" +
        "// comment \\\n still comment\ng\r\nh\r\n#define W 4 \\\r\n + 5\r\nW\r\n",
    ),
    expect: "a b c d e f 1 + 2 long line 3 \"string\" g h 4 + 5",
  },
  {
    name: "macro arguments spanning lines, directives inside arguments",
    files: S(
      "#define E(x) [x]\nE(a\n+\nb)\nE(\n#define Z 9\nZ\n)\n#define A(x) x\nA\n(1) A\n\n(2)\n#define B A\nB\n(3)\n",
    ),
    expect: "[a + b] [9] 1 2 3",
  },
  {
    name: "__FILE__, __LINE__, __INCLUDE_LEVEL__, __COUNTER__, #line",
    files: S(
      "#define F(x) x __LINE__\n#define G __LINE__\n#define H(x) x\nF(\n__LINE__\n) G\nH(\nG\n)\n__FILE__ __INCLUDE_LEVEL__ __BASE_FILE__\n" +
        "#include \"sub/a.h\"\n__COUNTER__ __COUNTER__\n#line 100\n__LINE__\n#line 200 \"foo.dts\"\n__LINE__ __FILE__\n",
      { "sub/a.h": "__FILE__ __LINE__ __INCLUDE_LEVEL__ __BASE_FILE__\n#include \"b.h\"\n", "sub/b.h": "__FILE__ __INCLUDE_LEVEL__\n" },
    ),
    expect: "5 4 6 8 \"main.S\" 0 \"main.S\" \"sub/a.h\" 1 1 \"main.S\" \"sub/b.h\" 2 0 1 100 200 \"foo.dts\"",
  },
  {
    name: "include search: quote form looks beside the includer first, angle form only in -I",
    files: S('#include "a.h"\n#include <a.h>\n#include "d/x.h"\n#include <d/x.h>\n', {
      "a.h": "root_a __FILE__\n",
      "inc1/a.h": "inc1_a __FILE__\n",
      "inc2/a.h": "inc2_a __FILE__\n",
      "d/x.h": '#include "y.h"\n#include <y.h>\n',
      "d/y.h": "d_y __FILE__\n",
      "inc1/y.h": "inc1_y __FILE__\n",
      "inc1/d/x.h": "inc1_dx __FILE__\n",
    }),
    includeDirs: ["inc1", "inc2/"],
    expect: "root_a \"a.h\" inc1_a \"inc1/a.h\" d_y \"d/y.h\" inc1_y \"inc1/y.h\" inc1_dx \"inc1/d/x.h\"",
  },
  {
    name: "include guards, #pragma once, #include_next, computed includes, __has_include",
    files: S(
      '#include "g.h"\n#include "g.h"\n#include "o.h"\n#include "o.h"\n#define HDR <n.h>\n#include HDR\n#define Q "g2.h"\n#include Q\n' +
        "#define STRH(x) #x\n#define XSTRH(x) STRH(x)\n#include XSTRH(o2.h)\n#define ANGLE(x) <x.h>\n#include ANGLE(m)\n" +
        '#if __has_include("g.h") && !__has_include(<nonexist.h>) && __has_include(<n.h>)\nhas\n#endif\n',
      {
        "g.h": "#ifndef G_H\n#define G_H\nguarded\n#endif\n",
        "g2.h": "/* leading comment */\n#ifndef G2_H\n#define G2_H\nguarded2\n#endif /* G2_H */\n",
        "o.h": "#pragma once\nonce\n",
        "o2.h": "o2\n",
        "i1/n.h": "i1n __FILE__\n#include_next <n.h>\n",
        "i2/n.h": "i2n __FILE__\n",
        "i2/m.h": "m __FILE__\n",
      },
    ),
    includeDirs: ["i1", "i2"],
    expect: "guarded once i1n \"i1/n.h\" i2n \"i2/n.h\" guarded2 o2 m \"i2/m.h\" has",
  },
  {
    name: "-D and -U, predefined macros",
    files: S("A B C D F(3) __STDC__ __STDC_HOSTED__ __ASSEMBLER__ __DTS__ __GNUC__ __linux__\n"),
    defines: [{ name: "A" }, { name: "B", value: "2" }, { name: "C", value: "x y" }, { name: "D" }, { name: "F(x)", value: "[x]" }, { name: "__DTS__" }],
    undefines: ["D"],
    expect: "1 2 x y D [3] 1 1 1 1 __GNUC__ __linux__",
  },
  {
    name: "pragmas are dropped in assembler output; push_macro/pop_macro and _Pragma run",
    files: S(
      "#pragma foo bar\n#pragma GCC system_header\n#define PM 1\n#pragma push_macro(\"PM\")\n#undef PM\n#define PM 2\nPM\n#pragma pop_macro(\"PM\")\nPM\n" +
        "_Pragma(\"foo\") after\n#ident \"x\"\n#sccs \"y\"\n",
    ),
    expect: "2 1 after",
  },
  {
    name: "device-tree idioms",
    files: S(
      "#define NUM(x) x\n#define CELL(a,b) <a b>\n#define GIC_SPI 0\n#define IRQ_TYPE_LEVEL_HIGH 4\n#define PORT(n) port@n\n#define PIN(p, n) ((TEGRA_PORT_##p * 8) + n)\n#define TEGRA_PORT_A 0\n" +
        "/dts-v1/;\n/ {\n\t#address-cells = <NUM(2)>;\n\tnode@NUM(1000) {\n\t\treg = CELL(0x0, 0x1000);\n\t\tlabel = \"don't\";\n\t\tfoo = 'a', 'b';\n" +
        "\t\tinterrupts = <GIC_SPI 12 IRQ_TYPE_LEVEL_HIGH>;\n\t\tgpios = <&gpio PIN(A, 3) 0>;\n\t};\n\tPORT(1) { };\n\tprop-NUM(1) = <NUM(1)NUM(2)>;\n\tx = <(NUM(1)-NUM(2))>;\n};\n",
    ),
    expect: "/dts-v1/; / { #address-cells = <2>; node@1000 { reg = <0x0 0x1000>; label = \"don't\"; foo = 'a', 'b'; interrupts = <0 12 4>; gpios = <&gpio ((0 * 8) + 3) 0>; }; port@1 { }; prop-1 = <1 2>; x = <(1 -2)>; };",
  },
];
