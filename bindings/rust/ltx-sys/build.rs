//! Links libltx as `pkg-config --libs --cflags ltx` says, without the pkg-config crate
//! (no crates are needed to build offline). PKG_CONFIG names another pkg-config binary;
//! LTX_NO_PKG_CONFIG=1 skips it and links plain `-lltx` (LTX_LIB_DIR adds a search path).

use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for var in ["PKG_CONFIG", "PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR",
                "LTX_NO_PKG_CONFIG", "LTX_LIB_DIR"] {
        println!("cargo:rerun-if-env-changed={}", var);
    }

    if env::var_os("LTX_NO_PKG_CONFIG").is_some() {
        if let Some(dir) = env::var_os("LTX_LIB_DIR") {
            println!("cargo:rustc-link-search=native={}", dir.to_string_lossy());
        }
        println!("cargo:rustc-link-lib=ltx");
        return;
    }

    let pkg_config = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".to_string());
    let output = match Command::new(&pkg_config).args(["--libs", "--cflags", "ltx"]).output() {
        Ok(o) => o,
        Err(e) => panic!(
            "ltx-sys: cannot run `{} --libs --cflags ltx`: {} (install pkg-config, or set \
             LTX_NO_PKG_CONFIG=1 and LTX_LIB_DIR)",
            pkg_config, e
        ),
    };
    if !output.status.success() {
        panic!(
            "ltx-sys: `{} --libs --cflags ltx` failed: {}(is libltx installed? set PKG_CONFIG_PATH \
             to the directory holding ltx.pc)",
            pkg_config,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let flags = String::from_utf8_lossy(&output.stdout);
    let mut linked = false;
    for flag in flags.split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={}", dir);
        } else if let Some(lib) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib={}", lib);
            linked |= lib == "ltx";
        } else if let Some(dir) = flag.strip_prefix("-I") {
            // Exposed to dependents' build scripts as DEP_LTX_INCLUDE.
            println!("cargo:include={}", dir);
        }
    }
    if !linked {
        println!("cargo:rustc-link-lib=ltx");
    }
}
