#!/usr/bin/python3
"""compare-sys.py GENERATED COMMITTED [ALLOWLIST] -- compare the extern "C" functions of two
Rust files: GENERATED, what bindgen made of include/ltx/ltx.h, and COMMITTED, ltx-sys's
src/lib.rs. Formatting, parameter names and paths (::std::os::raw::) do not matter; type
aliases (`pub type x = y;`) are resolved on both sides, and C integer types are compared
by width and sign as on this (LP64) machine, so u32 and c_uint are the same type.

Fails (exit 1), naming each one, on a function present on one side only or declared with
another signature, and on a constant of COMMITTED that the header lacks or gives another
value (GENERATED needs bindgen's --allowlist-var 'LTX_.*' --no-prepend-enum-name for them). ALLOWLIST, when given, is the file of functions (one a line, '#' starts
comments) that the committed bindings may lack on purpose: bindings/unbound.txt, whose
lines `FUNCTION  LANGUAGES  WHY` apply here when LANGUAGES names rust or all.
"""

import re
import sys

CANON = {
    "c_char": "i8", "c_schar": "i8", "c_uchar": "u8", "c_short": "i16", "c_ushort": "u16",
    "c_int": "i32", "c_uint": "u32", "c_long": "i64", "c_ulong": "u64",
    "c_longlong": "i64", "c_ulonglong": "u64", "c_float": "f32", "c_double": "f64",
}


def strip_comments(text):
    """Text without comments; string literals (a URL's //) are kept."""
    return re.sub(r'("(?:\\.|[^"\\])*")|/\*.*?\*/|//[^\n]*',
                  lambda m: m.group(1) or " ", text, flags=re.S)


def squash(s):
    s = re.sub(r"(::)?std::os::raw::", "", s)
    s = re.sub(r"(::)?std::option::Option", "Option", s)
    s = re.sub(r"(::)?core::ffi::", "", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\s*([<>(),:*&\[\];=])\s*", r"\1", s)
    s = s.replace("*const", "*const ").replace("*mut", "*mut ")
    s = re.sub(r",\)", ")", s)  # trailing commas
    s = re.sub(r",>", ">", s)
    s = re.sub(r"(?<=[(,])\w+:(?!:)", "", s)  # parameter names inside fn pointer types
    s = re.sub(r"  +", " ", s)
    return s


def split_top(s, sep=","):
    """Split s at sep outside brackets."""
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch in "(<[":
            depth += 1
        elif ch in ")>]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return parts


def const_value(v):
    """A constant's value as comparable text: 4294967295, -7, 'ltx-2-3-fast'."""
    v = re.sub(r"\s+", "", v)
    m = re.fullmatch(r'b?"(.*?)(\\0)?"', v)
    if m:
        return "'" + m.group(1) + "'"
    if v in ("u32::MAX", "std::u32::MAX", "c_uint::MAX"):
        return str(2**32 - 1)
    if v in ("usize::MAX",):
        return str(2**64 - 1)
    v = re.sub(r"(usize|u32|i32|u64|i64)$", "", v).replace("_", "")
    try:
        return str(int(v, 0))
    except ValueError:
        return v


def parse_consts(path):
    text = strip_comments(open(path, encoding="utf-8").read())
    return {m.group(1): const_value(m.group(2))
            for m in re.finditer(r"\bpub\s+const\s+(\w+)\s*:[^=]*=\s*(.*?);", text, flags=re.S)}


def parse(path):
    text = strip_comments(open(path, encoding="utf-8").read())
    aliases = {}
    for m in re.finditer(r"\bpub\s+type\s+(\w+)\s*=\s*(.*?);", text, flags=re.S):
        aliases[m.group(1)] = squash(m.group(2))
    funcs = {}
    for block in re.finditer(r'extern\s+"C"\s*\{', text):
        i, depth = block.end(), 1
        start = i
        while depth:
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
            i += 1
        body = text[start:i - 1]
        for item in body.split(";"):
            item = re.sub(r"#\[[^\]]*\]", " ", item)
            m = re.match(r"\s*pub\s+fn\s+(\w+)\s*\((.*)\)\s*(->\s*(.*))?\s*$", item, flags=re.S)
            if not m:
                continue
            params = []
            for p in split_top(squash(m.group(2))):
                p = p.strip()
                if not p:
                    continue
                name, _, ty = p.partition(":")
                params.append(ty if ty else name)
            ret = squash(m.group(4)) if m.group(4) else "()"
            funcs[m.group(1)] = (params, ret)
    return aliases, funcs


def resolve(ty, aliases, depth=0):
    """Replace every alias and C integer name in ty by what it stands for."""
    if depth > 20:
        return ty

    def one(m):
        word = m.group(0)
        if word in aliases:
            return resolve(aliases[word], aliases, depth + 1)
        return CANON.get(word, word)

    return re.sub(r"\b\w+\b", one, ty)


def signature(f, aliases):
    params, ret = f
    ps = [resolve(p, aliases) for p in params]
    r = resolve(ret, aliases)
    if r == "()":
        r = ""
    return "(" + ", ".join(ps) + ")" + (" -> " + r if r else "")


def read_allowlist(path):
    """The functions bindings/unbound.txt lets the Rust binding lack: lines
    `FUNCTION  LANGUAGES  WHY` whose LANGUAGES (comma-separated) name rust or all."""
    allowed = {}
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 3:
            sys.exit(f"{path}:{n}: want 'FUNCTION  LANGUAGES  WHY'")
        if {"rust", "all"} & set(parts[1].split(",")):
            allowed[parts[0]] = parts[2]
    return allowed


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    gen_aliases, gen = parse(sys.argv[1])
    com_aliases, com = parse(sys.argv[2])
    allowed = read_allowlist(sys.argv[3]) if len(sys.argv) == 4 else {}
    if len(gen) < 10:
        sys.exit(f"compare-sys: only {len(gen)} functions in {sys.argv[1]}: did bindgen fail?")
    problems = []
    for name in sorted(gen):
        if name not in com:
            if name not in allowed:
                problems.append(f"{name}: in the header, missing from {sys.argv[2]}\n"
                                f"    header: fn{signature(gen[name], gen_aliases)}")
            continue
        a, b = signature(gen[name], gen_aliases), signature(com[name], com_aliases)
        if a != b:
            problems.append(f"{name}: the signatures differ\n    header:  fn{a}\n    ltx-sys: fn{b}")
    for name in sorted(com):
        if name not in gen:
            problems.append(f"{name}: declared in {sys.argv[2]}, but not in the header")
    # (a line of the list that no longer applies is tests/check-bindings.sh's to report)
    # constants: each one ltx-sys declares must be in the header with the same value
    gen_consts, com_consts = parse_consts(sys.argv[1]), parse_consts(sys.argv[2])
    for name in sorted(com_consts):
        if name not in gen_consts:
            problems.append(f"{name}: a constant of {sys.argv[2]}, not in the header")
        elif gen_consts[name] != com_consts[name]:
            problems.append(f"{name}: the header says {gen_consts[name]}, "
                            f"ltx-sys {com_consts[name]}")
    if problems:
        print(f"compare-sys: ltx-sys differs from include/ltx/ltx.h ({len(problems)}):")
        for p in problems:
            print("  " + p)
        sys.exit(1)
    print(f"compare-sys: {len(com)} functions and {len(com_consts)} constants of ltx-sys "
          "match the header"
          + (f" ({len(allowed)} allowed to be missing)" if allowed else ""))


if __name__ == "__main__":
    main()
