// Package applefake is a test double of Apple's `container` CLI. A test
// binary calls Main first thing in TestMain; Install then links that same
// binary into a temporary directory under the name `container`. When the
// provider runs it, Main sees the name, appends the argv to a log, and
// answers from the fixture files of the selected CLI version
// (../testdata/<version>), keeping containers and networks in a state file.
package applefake

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Config selects what the double pretends to be.
type Config struct {
	// Version is a directory under testdata, e.g. "1.2.1".
	Version string
	// MacOS is the host's macOS version; "15..." hides the network command
	// and rejects non-default networks. Default "26.0".
	MacOS string
	// SystemStopped starts with the system service not running.
	SystemStopped bool
	// Kernel is what `uname -r` prints in a node; default from meta.json.
	Kernel string
}

// fileConfig is written next to the linked binary.
type fileConfig struct {
	Config
	Testdata string
	State    string
	Log      string
	Lock     string
}

// Fake is an installed double.
type Fake struct {
	Dir string // holds the `container` binary
	Bin string // absolute path of the binary
	log string
}

// Testdata returns the absolute path of the fixture directory.
func Testdata() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// Install puts a double answering as cfg.Version into a new temporary
// directory. TestMain must call Main for it to work.
func Install(t testing.TB, cfg Config) *Fake {
	t.Helper()
	if cfg.MacOS == "" {
		cfg.MacOS = "26.0"
	}
	td := Testdata()
	if _, err := os.Stat(filepath.Join(td, cfg.Version, "version.txt")); err != nil {
		t.Fatalf("applefake: no fixtures for version %q: %v", cfg.Version, err)
	}
	dir := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "container")
	if err := os.Link(self, bin); err != nil {
		if err := copyFile(self, bin); err != nil {
			t.Fatalf("applefake: install binary: %v", err)
		}
	}
	fc := fileConfig{Config: cfg, Testdata: td,
		State: filepath.Join(dir, "state.json"), Log: filepath.Join(dir, "calls.log"), Lock: filepath.Join(dir, "lock")}
	data, _ := json.MarshalIndent(fc, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "fake.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	st := newState(!cfg.SystemStopped)
	if err := st.save(fc.State); err != nil {
		t.Fatal(err)
	}
	return &Fake{Dir: dir, Bin: bin, log: fc.Log}
}

// Calls returns every argv (without the program name) the double received,
// in order.
func (f *Fake) Calls() [][]string {
	file, err := os.Open(f.log)
	if err != nil {
		return nil
	}
	defer file.Close()
	var calls [][]string
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var argv []string
		if json.Unmarshal(sc.Bytes(), &argv) == nil {
			calls = append(calls, argv)
		}
	}
	return calls
}

// Reset forgets the calls recorded so far.
func (f *Fake) Reset() { _ = os.Remove(f.log) }

// Main runs the double and exits when the process was started as
// `container`; otherwise it returns at once.
func Main() {
	if filepath.Base(os.Args[0]) != "container" {
		return
	}
	os.Exit(mainFake(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func mainFake(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	exe := os.Args[0]
	if !filepath.IsAbs(exe) {
		var err error
		if exe, err = os.Executable(); err != nil {
			fmt.Fprintln(stderr, "applefake:", err)
			return 70
		}
	}
	data, err := os.ReadFile(filepath.Join(filepath.Dir(exe), "fake.json"))
	if err != nil {
		fmt.Fprintln(stderr, "applefake: no config:", err)
		return 70
	}
	var fc fileConfig
	if err := json.Unmarshal(data, &fc); err != nil {
		fmt.Fprintln(stderr, "applefake: bad config:", err)
		return 70
	}
	unlock, err := lock(fc.Lock)
	if err != nil {
		fmt.Fprintln(stderr, "applefake:", err)
		return 70
	}
	defer unlock()
	appendLog(fc.Log, args)
	f, err := load(fc)
	if err != nil {
		fmt.Fprintln(stderr, "applefake:", err)
		return 70
	}
	code := f.dispatch(args, stdin, stdout, stderr)
	if err := f.st.save(fc.State); err != nil {
		fmt.Fprintln(stderr, "applefake: save state:", err)
		return 70
	}
	return code
}

func appendLog(path string, args []string) {
	if args == nil {
		args = []string{}
	}
	line, _ := json.Marshal(args)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.Write(append(line, '\n'))
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
