module github.com/libltx/libltx/bindings/go

go 1.19
