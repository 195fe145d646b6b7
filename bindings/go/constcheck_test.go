package ltx

import (
	"testing"
	"time"
)

// The Go constants are literals (so that `go doc` shows them); each must equal the C value
// it mirrors, or a header change would silently leave the binding behind.
func TestConstantsMatchC(t *testing.T) {
	pairs := cConstants()
	if len(pairs) < 50 {
		t.Fatalf("only %d constants checked", len(pairs))
	}
	for _, p := range pairs {
		if p.goVal != p.cVal {
			t.Errorf("%s is %v, but %s is %v in the C header", p.name, p.goVal, p.cname, p.cVal)
		}
	}
	if NoLimit != time.Duration(-1) {
		t.Errorf("NoLimit changed")
	}
}
