package config

import (
	"strings"
	"testing"
)

const header = "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\n"

// errLines splits a joined error into its messages; nil gives none.
func errLines(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

func assertLines(t *testing.T, err error, want []string) {
	t.Helper()
	got := errLines(err)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n got: %q\nwant: %q", got, want)
	}
}
