package imageload

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func TestFanoutFeedsEveryConsumer(t *testing.T) {
	payload := strings.Repeat("layer-bytes ", 50000)
	var mu sync.Mutex
	got := map[int]string{}
	consumers := make([]func(io.Reader) error, 3)
	for i := range consumers {
		consumers[i] = func(r io.Reader) error {
			b, err := io.ReadAll(r)
			mu.Lock()
			got[i] = string(b)
			mu.Unlock()
			return err
		}
	}
	err := Fanout(func(w io.Writer) error {
		_, err := io.Copy(w, strings.NewReader(payload))
		return err
	}, consumers)
	if err != nil {
		t.Fatal(err)
	}
	for i := range consumers {
		if got[i] != payload {
			t.Errorf("consumer %d got %d bytes, want %d", i, len(got[i]), len(payload))
		}
	}
}

func TestFanoutReportsAFailingConsumer(t *testing.T) {
	boom := errors.New("node import failed")
	err := Fanout(func(w io.Writer) error {
		_, err := io.Copy(w, bytes.NewReader(make([]byte, 1<<20)))
		return err
	}, []func(io.Reader) error{
		func(r io.Reader) error { _, err := io.Copy(io.Discard, r); return err },
		func(r io.Reader) error { return boom },
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the consumer's failure", err)
	}
}

func TestFanoutReportsAFailingWriter(t *testing.T) {
	boom := errors.New("save failed")
	err := Fanout(func(w io.Writer) error { return boom }, []func(io.Reader) error{
		func(r io.Reader) error { _, err := io.Copy(io.Discard, r); return err },
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the writer's failure", err)
	}
}

func TestParseCrictlImagesNormalizes(t *testing.T) {
	have, err := parseCrictlImages(`{"images":[{"id":"sha256:abc","repoTags":["docker.io/library/busybox:latest"]},{"id":"sha256:def","repoTags":[]}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if have[Normalize("busybox")] != "sha256:abc" {
		t.Errorf("busybox not found as the same reference: %v", have)
	}
}

func TestArchiveImages(t *testing.T) {
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	tag, _ := name.NewTag("example.com/app:v1")
	path := filepath.Join(t.TempDir(), "app.tar")
	if err := tarball.WriteToFile(path, tag, img); err != nil {
		t.Fatal(err)
	}
	got, err := ArchiveImages(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.ConfigName()
	if len(got) != 1 || got[0].Ref != "example.com/app:v1" || got[0].ID != want.String() {
		t.Errorf("got %+v, want one image with ID %s", got, want)
	}
	if _, err := ArchiveImages(filepath.Join(t.TempDir(), "missing.tar")); err == nil {
		t.Error("missing archive accepted")
	}
}
