package apple

import (
	"os"
	"testing"

	"github.com/kina-dev/kina/internal/provider/apple/applefake"
	"github.com/kina-dev/kina/internal/run"
)

func TestMain(m *testing.M) {
	applefake.Main() // serves as the `container` double when run under that name
	os.Exit(m.Run())
}

// versions are the CLI releases with fixtures that kina supports.
var versions = []string{"0.5", "0.10", "0.12", "1.0", "1.2.1"}

var testHost = HostResources{CPUs: 12, MemoryMB: 36864}

func newFake(t *testing.T, cfg applefake.Config, opts ...Option) (*Provider, *applefake.Fake) {
	t.Helper()
	f := applefake.Install(t, cfg)
	opts = append([]Option{WithBinary(f.Bin), WithHostResources(testHost)}, opts...)
	return New(run.Exec{}, opts...), f
}
