module libltx.invalid/ltx

go 1.19
