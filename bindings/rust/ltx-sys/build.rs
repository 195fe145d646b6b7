//! Links libltx as `pkg-config --libs --cflags ltx` says when pkg-config is installed,
//! without the pkg-config crate (no crates are needed to build offline), and as plain
//! `-lltx` otherwise. PKG_CONFIG names another pkg-config binary; LTX_NO_PKG_CONFIG=1 skips
//! it; LTX_LIB_DIR adds a search path for the plain link.

use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for var in ["PKG_CONFIG", "PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR",
                "LTX_NO_PKG_CONFIG", "LTX_LIB_DIR"] {
        println!("cargo:rerun-if-env-changed={}", var);
    }

    if env::var_os("LTX_NO_PKG_CONFIG").is_some() {
        plain_link();
        return;
    }

    let pkg_config = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".to_string());
    let output = match Command::new(&pkg_config).args(["--libs", "--cflags", "ltx"]).output() {
        Ok(o) => o,
        Err(e) => {
            // No pkg-config: link libltx from the linker's default path (or LTX_LIB_DIR).
            println!("cargo:warning=ltx-sys: cannot run `{} --libs --cflags ltx` ({}); linking -lltx", pkg_config, e);
            plain_link();
            return;
        }
    };
    if !output.status.success() {
        panic!(
            "ltx-sys: `{} --libs --cflags ltx` failed: {}(is libltx installed? `apt-get install libltx-dev`, \
             or set PKG_CONFIG_PATH to the directory holding ltx.pc, or LTX_NO_PKG_CONFIG=1)",
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

fn plain_link() {
    if let Some(dir) = env::var_os("LTX_LIB_DIR") {
        println!("cargo:rustc-link-search=native={}", dir.to_string_lossy());
    }
    println!("cargo:rustc-link-lib=ltx");
}
