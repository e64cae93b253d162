// Package e2e creates real clusters with the kina binary and checks them from
// the host, as a user would. It needs a container runtime and a node image;
// without them every test is skipped with the reason.
//
//	KINA_E2E=1 KINA_NODE_IMAGE=kina/node:v1.34.4 go test ./e2e -v -timeout 40m
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var (
	kinaBin   string // the kina binary under test
	kubectl   string // kubectl on the host
	nodeImage string
	skipWhy   string // set when the suite cannot run here
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if os.Getenv("KINA_E2E") == "" {
		skipWhy = "end-to-end tests create real clusters; set KINA_E2E=1 to run them (hack/test.sh does)"
		return m.Run()
	}
	nodeImage = os.Getenv("KINA_NODE_IMAGE")
	if nodeImage == "" {
		nodeImage = "kina/node:v1.34.4"
	}
	dir, err := os.MkdirTemp("", "kina-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	kinaBin = filepath.Join(dir, "kina")
	build := exec.Command("go", "build", "-o", kinaBin, "../cmd/kina")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build kina:", err)
		return 1
	}
	if kubectl = os.Getenv("KINA_KUBECTL"); kubectl == "" {
		kubectl, err = exec.LookPath("kubectl")
		if err != nil {
			fmt.Fprintln(os.Stderr, "kubectl not found: set KINA_KUBECTL (hack/test.sh uses the one built for the node image)")
			return 1
		}
	}
	return m.Run()
}

// requireRuntime skips the test unless the suite can run and the runtime
// holds the node image.
func requireRuntime(t *testing.T, runtime string) {
	t.Helper()
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
	// KINA_E2E=1 asks for the suite to run: a missing runtime or image is
	// then a failure, never a silent pass.
	if _, err := exec.LookPath(runtime); err != nil {
		t.Fatalf("%s is not installed", runtime)
	}
	if out, err := exec.Command(runtime, "image", "inspect", nodeImage).CombinedOutput(); err != nil {
		t.Fatalf("%s has no node image %s (build it with hack/build-node-image.sh): %s", runtime, nodeImage, lastLine(out))
	}
}
