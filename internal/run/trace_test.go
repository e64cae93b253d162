package run

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestTraceWritesOneLinePerCommandWithoutStdin(t *testing.T) {
	var out bytes.Buffer
	fake := &Fake{Answer: func(c Cmd) (string, error) {
		if c.HasPrefix("false") {
			return "", errors.New("exit 1")
		}
		return "", nil
	}}
	tr := NewTrace(fake, &out)
	if err := tr.Run(context.Background(), Cmd{Name: "docker", Args: []string{"exec", "n", "cat"}, Stdin: strings.NewReader("secret-key")}); err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background(), Cmd{Name: "false"}); err == nil {
		t.Fatal("the wrapped error was lost")
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "ok") || !strings.HasSuffix(lines[0], "docker exec n cat") ||
		!strings.Contains(lines[1], "failed") || !strings.HasSuffix(lines[1], "false") {
		t.Errorf("trace:\n%s", out.String())
	}
	if strings.Contains(out.String(), "secret") {
		t.Errorf("stdin leaked into the trace:\n%s", out.String())
	}
}
