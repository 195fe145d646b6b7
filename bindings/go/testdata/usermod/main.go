// A program that uses the binding as a user's module would, through its real module path:
// run-tests.sh builds it in a scratch module with a replace line pointing at this tree,
// runs it against ltx-mock and compares what it wrote to stdout with the mock's video.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	ltx "github.com/libltx/libltx/bindings/go"
)

func main() {
	client, err := ltx.NewClient("test-key",
		ltx.WithBaseURL(os.Getenv("LTX_BASE_URL")),
		ltx.WithPollInterval(20*time.Millisecond),
		ltx.WithDeadline(time.Minute))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer client.Close()
	req, err := ltx.NewRequest(ltx.TextToVideo)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer req.Close()
	for _, err := range []error{
		req.SetPrompt("A lighthouse at dusk"),
		req.SetModel(ltx.ModelLTX23Fast),
		req.SetDuration(6),
		req.SetResolution("1920x1080"),
	} {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	_, err = client.GenerateTo(context.Background(), req, os.Stdout, nil)
	var le *ltx.Error
	if errors.As(err, &le) {
		fmt.Fprintf(os.Stderr, "%v (code %d)\n", le, le.Code)
		os.Exit(1)
	}
}
