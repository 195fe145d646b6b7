package ltx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	ltx "github.com/libltx/libltx/bindings/go"
)

// A client configured with functional options, a generation to a file, and the
// errors a caller usually tells apart.
func ExampleClient_Generate() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	client, err := ltx.NewClientFromEnv(ltx.WithRetry(5, time.Second, time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	req, err := ltx.NewRequest(ltx.TextToVideo)
	if err != nil {
		log.Fatal(err)
	}
	defer req.Close()
	req.SetPrompt("A lighthouse at dusk, waves rolling in")
	req.SetModel(ltx.ModelLTX23Fast)
	req.SetDuration(6)
	req.SetResolution("1920x1080")

	err = client.Generate(ctx, req, "lighthouse.mp4", nil)
	var e *ltx.Error
	switch {
	case errors.Is(err, ltx.ErrContentFiltered):
		fmt.Println("refused: rephrase the prompt")
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Println("out of time")
	case errors.As(err, &e):
		fmt.Println(e.Code, e.RequestID, e.JobID)
	}
}

// The video streamed into any io.Writer as it arrives.
func ExampleClient_GenerateTo() {
	client, err := ltx.NewClientFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	req, _ := ltx.NewRequest(ltx.TextToVideo)
	defer req.Close()
	req.SetPrompt("A kite over a beach")
	req.SetModel(ltx.ModelLTX23Fast)
	req.SetDuration(6)
	req.SetResolution("1920x1080")
	var buf bytes.Buffer
	report, err := client.GenerateTo(context.Background(), req, &buf, func(p ltx.Progress) error {
		if p.Stage == ltx.StageDownloading {
			fmt.Printf("%d/%d bytes\n", p.Bytes, p.Total)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(report.Bytes, buf.Len())
}
