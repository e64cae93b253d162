package applefake

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"syscall"
)

type state struct {
	SystemRunning bool
	NextIP        int
	Containers    map[string]*ctr
	Networks      map[string]bool
}

type ctr struct {
	Name        string
	Image       string
	Network     string
	Labels      map[string]string
	Running     bool
	IP          int
	Ports       []map[string]any
	CPUs        int
	MemoryBytes int64
	CapAdd      []string
	Args        []string
}

func newState(running bool) *state {
	return &state{SystemRunning: running, NextIP: 2, Containers: map[string]*ctr{}, Networks: map[string]bool{}}
}

func (s *state) save(path string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// allocIP hands out addresses the way the runtime does: rotating, so a
// restarted container gets a new one.
func (s *state) allocIP() int {
	ip := s.NextIP
	s.NextIP++
	if s.NextIP > 254 {
		s.NextIP = 2
	}
	return ip
}

type meta struct {
	Shape          string `json:"shape"`
	Errors         string `json:"errors"`
	InspectMissing string `json:"inspectMissing"`
	Kernel         string `json:"kernel"`
}

type fake struct {
	fc   fileConfig
	st   *state
	meta meta
	dir  string // testdata/<version>
}

func load(fc fileConfig) (*fake, error) {
	f := &fake{fc: fc, dir: fc.Testdata + "/" + fc.Version}
	data, err := os.ReadFile(fc.State)
	if err != nil {
		return nil, err
	}
	f.st = newState(false)
	if err := json.Unmarshal(data, f.st); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	m, err := os.ReadFile(f.dir + "/meta.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(m, &f.meta); err != nil {
		return nil, fmt.Errorf("meta: %w", err)
	}
	if fc.Kernel != "" {
		f.meta.Kernel = fc.Kernel
	}
	return f, nil
}

func (f *fake) macOS15() bool { return strings.HasPrefix(f.fc.MacOS, "15.") || f.fc.MacOS == "15" }

func (f *fake) file(name string) string {
	data, err := os.ReadFile(f.dir + "/" + name)
	if err != nil {
		return ""
	}
	return string(data)
}

// errText is the fixture error for this version's error era with every
// %s replaced by arg.
func (f *fake) errText(name, arg string) string {
	data, err := os.ReadFile(f.fc.Testdata + "/errors/" + f.meta.Errors + "/" + name + ".txt")
	if err != nil {
		data, err = os.ReadFile(f.fc.Testdata + "/errors/plain/" + name + ".txt")
		if err != nil {
			return "Error: " + name + " " + arg + "\n"
		}
	}
	return strings.ReplaceAll(string(data), "%s", arg)
}

func lock(path string) (func(), error) {
	fd, err := syscall.Open(path, syscall.O_CREAT|syscall.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	if err := syscall.Flock(fd, syscall.LOCK_EX); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("lock: %w", err)
	}
	return func() { _ = syscall.Flock(fd, syscall.LOCK_UN); syscall.Close(fd) }, nil
}
